import { existsSync } from "node:fs";
import { join } from "node:path";
import { defineCommand } from "./support/command.js";
import { CommandError, UsageError } from "./support/errors.js";
import { describeHooks } from "./support/describe-hooks.js";
import { installHooks, uninstallHooks, type HookInstall, type RemovedHook } from "./support/install-hooks.js";

const help = `Usage: nexaas hooks install [--force] [--workspace DIR]
       nexaas hooks uninstall [--workspace DIR]

Installs the pre-commit hook (validate the staged workspace files) and the pre-push
hook (validate the workspace) into the git repository that holds the workspace. The
hooks folder is the one git uses (core.hooksPath and worktrees are honoured).

A hook that nexaas did not install is left alone and the command fails, unless
--force, which keeps it as <hook>.backup. Installing again is safe.

\`hooks uninstall\` removes the hooks that nexaas installed and only those; where
\`install --force\` kept a hook as <hook>.backup, that hook is put back.

Options:
      --force  replace hooks that nexaas did not install (kept as <hook>.backup)`;

export const command = defineCommand({
  summary: "hooks install|uninstall: add or remove the workspace's git hooks",
  help,
  maxPositionals: 1,
  options: { force: { type: "boolean" } },
  async run(ctx) {
    const [sub, ...extra] = ctx.positionals;
    if (sub === undefined) throw new UsageError("missing subcommand: nexaas hooks install|uninstall");
    if (sub !== "install" && sub !== "uninstall") throw new UsageError(`unknown subcommand "${sub}" (use install or uninstall)`);
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const workspace = ctx.common.workspace;
    if (sub === "uninstall") {
      if (ctx.values.force === true) throw new UsageError("--force goes with install");
      const removed = await uninstallHooks(workspace);
      const done = ctx.common.json
        ? JSON.stringify({ repo_root: removed.repoRoot, hooks_dir: removed.hooksDir, hooks: removed.hooks.map((h) => ({ name: h.name, path: h.path, status: h.status, ...(h.restoredFrom ? { restored_from: h.restoredFrom } : {}) })) }, null, 2)
        : removed.hooks.map((h) => `${h.name}: ${uninstallWords[h.status]}${h.restoredFrom ? ` (${h.restoredFrom})` : ""}`).join("\n");
      ctx.stdout(done + "\n");
      return 0;
    }
    if (!existsSync(join(workspace, "nexaas.yaml"))) {
      // Hooks outside a workspace would refuse every commit: say so now instead.
      throw new CommandError(`${workspace} has no nexaas.yaml; run this in a workspace or pass --workspace DIR`, "no-workspace");
    }
    const result = await installHooks(workspace, { force: ctx.values.force === true, onForeign: "fail" });
    ctx.stdout(ctx.common.json ? JSON.stringify(toJson(result), null, 2) + "\n" : describeHooks(result, ctx.cwd));
    return 0;
  },
});

const toJson = (r: HookInstall): object => ({
  repo_root: r.repoRoot,
  hooks_dir: r.hooksDir,
  workspace: r.workspaceFromRepoRoot,
  hooks: r.hooks.map((h) => ({ name: h.name, path: h.path, status: h.status, ...(h.backup ? { backup: h.backup } : {}) })),
});

const uninstallWords: Record<RemovedHook["status"], string> = {
  removed: "removed",
  restored: "removed; the hook it had replaced is back",
  absent: "not installed",
  kept: "not installed by nexaas: left alone",
};
