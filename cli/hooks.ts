import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import type { Command, CommandContext } from "./command.js";
import { CommandError, UsageError } from "./errors.js";
import { installHooks, type HookInstall, type InstalledHook } from "./install-hooks.js";

const help = `Usage: nexaas hooks install [--force] [--workspace DIR]

Installs the pre-commit hook (validate the staged workspace files) and the pre-push
hook (validate the workspace) into the git repository that holds the workspace. The
hooks folder is the one git uses (core.hooksPath and worktrees are honoured).

A hook that nexaas did not install is left alone and the command fails, unless
--force, which keeps it as <hook>.backup. Installing again is safe.

Options:
      --force  replace hooks that nexaas did not install (kept as <hook>.backup)`;

export const command: Command = {
  summary: "hooks install: install the git hooks into the workspace",
  help,
  maxPositionals: 1,
  options: { force: { type: "boolean" } },
  async run(ctx: CommandContext): Promise<number> {
    const [sub, ...extra] = ctx.positionals;
    if (sub === undefined) throw new UsageError("missing subcommand: nexaas hooks install");
    if (sub !== "install") throw new UsageError(`unknown subcommand "${sub}" (the one subcommand is install)`);
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const workspace = ctx.common.workspace;
    if (!existsSync(join(workspace, "nexaas.yaml"))) {
      // Hooks outside a workspace would refuse every commit: say so now instead.
      throw new CommandError(`${workspace} has no nexaas.yaml; run this in a workspace or pass --workspace DIR`, "no-workspace");
    }
    const result = await installHooks(workspace, { force: ctx.values.force === true, onForeign: "fail" });
    ctx.stdout(ctx.common.json ? JSON.stringify(toJson(result), null, 2) + "\n" : describeHooks(result, ctx.cwd));
    return 0;
  },
};

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

const toJson = (r: HookInstall): object => ({
  repo_root: r.repoRoot,
  hooks_dir: r.hooksDir,
  workspace: r.workspaceFromRepoRoot,
  hooks: r.hooks.map((h) => ({ name: h.name, path: h.path, status: h.status, ...(h.backup ? { backup: h.backup } : {}) })),
});
