import { relative } from "node:path";
import type { HookInstall, InstalledHook } from "./install-hooks.js";

/** What `hooks install` and `init` print about the hooks, one line each, paths relative to cwd when inside it. */
export function describeHooks(result: HookInstall, cwd: string): string {
  const show = (path: string): string => {
    const rel = relative(cwd, path);
    return rel.startsWith("..") || rel === "" ? path : rel;
  };
  const line = (h: InstalledHook): string => {
    switch (h.status) {
      case "created":
        return `installed ${h.name} hook: ${show(h.path)}`;
      case "updated":
        return `updated ${h.name} hook: ${show(h.path)}`;
      case "unchanged":
        return `${h.name} hook already up to date: ${show(h.path)}`;
      case "replaced":
        return `installed ${h.name} hook: ${show(h.path)} (the previous hook is kept as ${show(h.backup ?? "")})`;
      case "skipped":
        return `left ${h.name} hook alone: ${show(h.path)} was not installed by nexaas (use \`nexaas hooks install --force\`)`;
    }
  };
  return result.hooks.map(line).join("\n") + "\n";
}
