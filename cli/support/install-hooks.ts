import { existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, chmodSync, realpathSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { simpleGit } from "simple-git";
import { packageRoot } from "../../controller/package-root.js";
import { CommandError } from "./errors.js";

export type HookName = "pre-commit" | "pre-push";
export const hookNames: readonly HookName[] = ["pre-commit", "pre-push"];

/** A line every hook we install carries; a hook without it belongs to someone else. */
export const HOOK_MARKER = "nexaas-managed-hook";

export interface InstalledHook {
  name: HookName;
  path: string;
  /** `skipped`: someone else's hook is there and we were told not to replace it. */
  status: "created" | "updated" | "unchanged" | "replaced" | "skipped";
  /** Where someone else's hook was moved (`replaced` only). */
  backup?: string;
}

export interface HookInstall {
  repoRoot: string;
  hooksDir: string;
  /** The workspace relative to the repository's top level, "." when they are the same. */
  workspaceFromRepoRoot: string;
  hooks: InstalledHook[];
}

export interface InstallOptions {
  /** Replace someone else's hook, keeping it as `<hook>.backup`. */
  force?: boolean;
  /** Without force: `fail` (nexaas hooks install) or `skip` (nexaas init, which must not fail after writing files). */
  onForeign?: "fail" | "skip";
}

/**
 * Installs the pre-commit and pre-push hooks into the repository that holds `workspace`.
 * The hooks folder comes from `git rev-parse --git-path hooks`, so core.hooksPath and
 * linked worktrees are honoured. Nothing is written unless every hook can be written.
 */
export async function installHooks(workspace: string, options: InstallOptions = {}): Promise<HookInstall> {
  const repo = await locateRepo(workspace);
  const header = hookHeader(repo.workspaceFromRepoRoot);
  const plans = hookNames.map((name) => planHook(name, join(repo.hooksDir, name), renderHook(name, header)));
  const foreign = plans.filter((p) => p.kind === "foreign");
  if (foreign.length > 0 && !options.force && options.onForeign !== "skip") {
    throw new CommandError(
      foreign.map((p) => `${p.path} exists and was not installed by nexaas`).join("\n") +
        "\nKeep it and call `nexaas validate --staged` from it, or run `nexaas hooks install --force`" +
        " to replace it (the old hook is kept as <hook>.backup).",
      "foreign-hook",
    );
  }
  mkdirSync(repo.hooksDir, { recursive: true });
  const hooks = plans.map((p) => applyPlan(p, options.force === true));
  return { ...repo, hooks };
}

interface RepoLocation {
  repoRoot: string;
  hooksDir: string;
  workspaceFromRepoRoot: string;
}

async function locateRepo(workspace: string): Promise<RepoLocation> {
  if (!existsSync(workspace)) throw new CommandError(`${workspace} does not exist`, "no-workspace");
  const git = simpleGit(workspace);
  let inside = false;
  try {
    inside = (await git.revparse(["--is-inside-work-tree"])).trim() === "true";
  } catch {
    inside = false;
  }
  if (!inside) {
    throw new CommandError(`${workspace} is not inside a git work tree; run \`git init\` there first`, "not-a-repo");
  }
  const repoRoot = (await git.revparse(["--show-toplevel"])).trim();
  // --git-path prints a path relative to the directory git ran in (the workspace).
  const hooksDir = resolve(workspace, (await git.revparse(["--git-path", "hooks"])).trim());
  // realpath both sides: /tmp may be a symlink (macOS) while git prints resolved paths.
  const fromRoot = relative(realpathSync(repoRoot), realpathSync(workspace)).split(sep).join("/");
  return { repoRoot, hooksDir, workspaceFromRepoRoot: fromRoot === "" ? "." : fromRoot };
}

/** Single-quoted for sh: nothing inside is expanded; a quote is closed, escaped and reopened. */
const shQuote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

function hookHeader(workspaceFromRepoRoot: string): string {
  // Absolute node path: hooks run from git GUIs and IDEs whose PATH may lack node.
  return [
    "# Set by `nexaas hooks install`; run it again after moving or upgrading nexaas.",
    `NEXAAS_NODE=${shQuote(process.execPath)}`,
    `NEXAAS_BIN=${shQuote(join(packageRoot, "bin", "nexaas.js"))}`,
    `NEXAAS_WORKSPACE=${shQuote(workspaceFromRepoRoot)}`,
    "",
  ].join("\n");
}

/** The template with the header right after its first two lines (shebang and marker). */
function renderHook(name: HookName, header: string): string {
  const template = readFileSync(join(packageRoot, "hooks", name), "utf8");
  const lines = template.split("\n");
  if (!lines[0]?.startsWith("#!") || !lines[1]?.includes(HOOK_MARKER)) {
    throw new Error(`hooks/${name} must start with a shebang and a "${HOOK_MARKER}" line`);
  }
  return [lines[0], lines[1], header, ...lines.slice(2)].join("\n");
}

interface HookPlan {
  name: HookName;
  path: string;
  content: string;
  kind: "absent" | "ours-same" | "ours-stale" | "foreign";
}

function planHook(name: HookName, path: string, content: string): HookPlan {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return { name, path, content, kind: "absent" };
  }
  // A symlink points at a hook someone manages elsewhere: never write through it.
  if (stat.isSymbolicLink() || !stat.isFile()) return { name, path, content, kind: "foreign" };
  const existing = readFileSync(path, "utf8");
  if (!existing.includes(HOOK_MARKER)) return { name, path, content, kind: "foreign" };
  return { name, path, content, kind: existing === content ? "ours-same" : "ours-stale" };
}

function applyPlan(plan: HookPlan, force: boolean): InstalledHook {
  const { name, path } = plan;
  switch (plan.kind) {
    case "ours-same":
      // Still make sure it is executable: a checkout or copy may have dropped the bit.
      chmodSync(path, 0o755);
      return { name, path, status: "unchanged" };
    case "absent":
      writeHook(path, plan.content);
      return { name, path, status: "created" };
    case "ours-stale":
      writeHook(path, plan.content);
      return { name, path, status: "updated" };
    case "foreign": {
      if (!force) return { name, path, status: "skipped" };
      const backup = freeBackupPath(path);
      renameSync(path, backup);
      writeHook(path, plan.content);
      return { name, path, status: "replaced", backup };
    }
  }
}

/** `<hook>.backup`, or `.backup.1`, `.backup.2`… so an earlier backup is never lost. */
function freeBackupPath(path: string): string {
  let candidate = `${path}.backup`;
  for (let i = 1; existsSync(candidate) || isLink(candidate); i++) candidate = `${path}.backup.${i}`;
  return candidate;
}

const isLink = (path: string): boolean => {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
};

/** Write beside and rename, so git never runs a half-written hook. */
function writeHook(path: string, content: string): void {
  const temp = `${path}.nexaas-${process.pid}.tmp`;
  writeFileSync(temp, content, { mode: 0o755 });
  chmodSync(temp, 0o755);
  renameSync(temp, path);
}

export interface RemovedHook {
  name: HookName;
  path: string;
  /** `kept`: someone else's hook (no marker, or a symlink), left alone. */
  status: "removed" | "restored" | "absent" | "kept";
  /** The backup `hooks install --force` made, put back in the hook's place (`restored` only). */
  restoredFrom?: string;
}

/**
 * Removes the hooks that nexaas installed, and only those: a hook without the marker or a
 * symlink is someone else's. Where `hooks install --force` kept a hook as `<hook>.backup`
 * (or `.backup.N`), the latest backup goes back in its place.
 */
export async function uninstallHooks(workspace: string): Promise<{ repoRoot: string; hooksDir: string; hooks: RemovedHook[] }> {
  const repo = await locateRepo(workspace);
  const hooks = hookNames.map((name): RemovedHook => {
    const path = join(repo.hooksDir, name);
    const plan = planHook(name, path, "");
    if (plan.kind === "absent") return { name, path, status: "absent" };
    if (plan.kind === "foreign") return { name, path, status: "kept" };
    rmSync(path);
    const backup = latestBackup(path);
    if (backup === undefined) return { name, path, status: "removed" };
    renameSync(backup, path);
    return { name, path, status: "restored", restoredFrom: backup };
  });
  return { repoRoot: repo.repoRoot, hooksDir: repo.hooksDir, hooks };
}

function latestBackup(path: string): string | undefined {
  let latest: string | undefined;
  for (let i = 0, candidate = `${path}.backup`; existsSync(candidate) || isLink(candidate); candidate = `${path}.backup.${++i}`) latest = candidate;
  return latest;
}
