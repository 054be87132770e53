import { posix } from "node:path";
import type { Diagnostic } from "../diagnostic.js";
import { actionSites, finding, type Rule } from "./rule.js";

/** A script's `cwd` is relative to the workspace and must stay inside it. */
export const workspacePaths: Rule = ({ defs }) => {
  const out: Diagnostic[] = [];
  for (const site of actionSites(defs)) {
    const cwd = site.fields.cwd;
    if (site.type !== "script" || typeof cwd !== "string") continue;
    if (cwd.includes("${")) {
      out.push(finding(site.owner, [...site.path, "cwd"], "path-escape", `cwd "${cwd}": environment references are not allowed in cwd, which must be a literal path inside the workspace`));
    } else if (leavesWorkspace(cwd)) {
      out.push(finding(site.owner, [...site.path, "cwd"], "path-escape", `cwd "${cwd}" leaves the workspace; use a path relative to the workspace root, inside it`));
    }
  }
  return out;
};

export function leavesWorkspace(path: string): boolean {
  if (posix.isAbsolute(path) || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith("~")) return true;
  const normal = posix.normalize(path.replace(/\\/g, "/"));
  return normal === ".." || normal.startsWith("../");
}
