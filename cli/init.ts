import { randomBytes } from "node:crypto";
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { simpleGit } from "simple-git";
import { packageRoot } from "../controller/package-root.js";
import { defineCommand } from "./support/command.js";
import { CommandError, UsageError } from "./support/errors.js";
import { freshWorkspaceFiles, gitignoreLines, schemaUrl, workspaceName } from "./support/fresh-workspace.js";
import { describeHooks } from "./support/describe-hooks.js";
import { installHooks, type HookInstall } from "./support/install-hooks.js";

const help = `Usage: nexaas init [DIR] [--example]

Creates a workspace in DIR (default: the current directory, or --workspace), which
must be new or empty: a small valid workspace, or with --example a copy of the
product's example workspace. Then runs \`git init\` (branch main) unless DIR is
already inside a git repository, writes .env with a random API_KEY (git-ignored),
and installs the pre-commit and pre-push hooks. Nothing is committed.

Options:
      --example  copy the example workspace instead of a minimal one`;

export const command = defineCommand({
  summary: "create a workspace (fresh or --example), git init, .env, hooks",
  help,
  maxPositionals: 1,
  options: { example: { type: "boolean" } },
  async run(ctx) {
    if (ctx.positionals.length > 1) throw new UsageError(`expected at most one DIR, got ${ctx.positionals.length}`);
    const dirArg = ctx.positionals[0];
    const dir = dirArg !== undefined ? resolve(ctx.cwd, dirArg) : ctx.common.workspace;
    // Every check runs before the first write, so a refusal leaves the disk as it was.
    checkTarget(dir);
    const git = await gitStatusOf(dir);

    mkdirSync(dir, { recursive: true });
    const name = workspaceName(basename(dir));
    const files = ctx.values.example === true ? copyExample(dir) : writeFresh(dir, name);
    files.push(ensureGitignore(dir));
    files.push(writeEnv(dir));

    if (!git.insideRepo) {
      const repo = simpleGit(dir);
      await repo.init();
      // symbolic-ref rather than --initial-branch: works with git older than 2.28 too.
      await repo.raw(["symbolic-ref", "HEAD", "refs/heads/main"]);
    }
    const hooks = await installHooks(dir, { onForeign: "skip" });

    const summary = { dir, name, files: files.sort(), gitInitialized: !git.insideRepo, hooks };
    ctx.stdout(ctx.common.json ? JSON.stringify(toJson(summary), null, 2) + "\n" : describe(summary, ctx.cwd));
    return 0;
  },
});

function checkTarget(dir: string): void {
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    return; // does not exist yet: init creates it
  }
  if (!isDir) throw new CommandError(`${dir} exists and is not a folder; nothing was written`, "target-exists");
  if (existsSync(join(dir, "nexaas.yaml"))) {
    throw new CommandError(`${dir} already holds a workspace (nexaas.yaml); nothing was written`, "target-exists");
  }
  // A folder holding only .git is a fresh clone of an empty repository: a common start.
  const entries = readdirSync(dir).filter((e) => e !== ".git");
  if (entries.length > 0) {
    const shown = entries.slice(0, 3).join(", ") + (entries.length > 3 ? ", …" : "");
    throw new CommandError(`${dir} is not empty (${shown}); init needs a new or empty folder; nothing was written`, "target-not-empty");
  }
}

async function gitStatusOf(dir: string): Promise<{ insideRepo: boolean }> {
  // simple-git needs an existing folder: ask from the nearest one that exists.
  let probe = dir;
  while (!existsSync(probe)) probe = dirname(probe);
  const git = simpleGit(probe);
  const version = await git.version();
  if (!version.installed) throw new CommandError("git is not installed (or not on PATH); nexaas needs it", "no-git");
  try {
    return { insideRepo: (await git.revparse(["--is-inside-work-tree"])).trim() === "true" };
  } catch {
    return { insideRepo: false };
  }
}

function writeFresh(dir: string, name: string): string[] {
  const files = freshWorkspaceFiles(name);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return Object.keys(files);
}

/** Runtime state, secrets and installed packages of the example stay behind. */
const skipEverywhere = new Set([".env", "node_modules", ".git"]);
const skipAtTop = new Set(["data", "exports"]);

function copyExample(dir: string): string[] {
  const source = join(packageRoot, "workspace.example");
  if (!existsSync(join(source, "nexaas.yaml"))) throw new CommandError(`the example workspace is missing at ${source}`, "no-example");
  cpSync(source, dir, {
    recursive: true,
    filter: (src) => {
      const rel = relative(source, src);
      if (rel === "") return true;
      const parts = rel.split(sep);
      return !skipEverywhere.has(parts[parts.length - 1] ?? "") && !(parts.length === 1 && skipAtTop.has(parts[0] ?? ""));
    },
  });
  const files = listFiles(dir);
  for (const file of files) if (/\.ya?ml$/.test(file)) repointModeline(join(source, file), join(dir, file));
  return files;
}

/**
 * The example's modelines point into the product's schemas/ by relative path, which
 * breaks once copied elsewhere: point them at the schema's URL (its `$id`) instead.
 */
function repointModeline(original: string, copy: string): void {
  const text = readFileSync(copy, "utf8");
  const match = /^# yaml-language-server: \$schema=(\S+)/.exec(text);
  if (!match?.[1] || /^[a-z][a-z0-9+.-]*:/i.test(match[1])) return; // none, or already a URL
  const target = resolve(dirname(original), match[1]);
  if (!existsSync(target) || relative(join(packageRoot, "schemas"), target) !== basename(target)) return;
  writeFileSync(copy, text.replace(match[0], `# yaml-language-server: $schema=${schemaUrl(basename(target))}`));
}

function listFiles(root: string, sub = ""): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, sub), { withFileTypes: true })) {
    const rel = sub ? `${sub}/${entry.name}` : entry.name;
    if (entry.name === ".git") continue;
    if (entry.isDirectory()) out.push(...listFiles(root, rel));
    else out.push(rel);
  }
  return out;
}

function ensureGitignore(dir: string): string {
  const path = join(dir, ".gitignore");
  const existing = existsSync(path) ? readFileSync(path, "utf8") : "";
  const have = new Set(existing.split(/\r?\n/).map((l) => l.trim()));
  const missing = gitignoreLines.filter((l) => !have.has(l) && !have.has(`/${l}`));
  if (existing === "") {
    writeFileSync(path, `# Secrets, the database and exported patches never go into git.\n${gitignoreLines.join("\n")}\n`);
  } else if (missing.length > 0) {
    writeFileSync(path, `${existing}${existing.endsWith("\n") ? "" : "\n"}${missing.join("\n")}\n`);
  }
  return ".gitignore";
}

function writeEnv(dir: string): string {
  const path = join(dir, ".env");
  const apiKey = randomBytes(32).toString("base64url");
  const content = [
    "# Read by `nexaas start`; the environment wins over it. Git-ignored: never commit it.",
    "# Bearer token of the status API (Authorization: Bearer <API_KEY>).",
    `API_KEY=${apiKey}`,
    "# For claude_chat and skill actions:",
    "# ANTHROPIC_API_KEY=",
    "",
  ].join("\n");
  writeFileSync(path, content, { mode: 0o600 });
  chmodSync(path, 0o600); // in case a stricter umask did not apply or the file pre-existed
  return ".env";
}

interface InitSummary {
  dir: string;
  name: string;
  files: string[];
  gitInitialized: boolean;
  hooks: HookInstall;
}

function describe(s: InitSummary, cwd: string): string {
  const rel = relative(cwd, s.dir);
  const shown = rel === "" ? "the current folder" : rel.startsWith("..") ? s.dir : rel;
  const lines = [`Created workspace "${s.name}" in ${shown}:`, ...s.files.map((f) => `  ${f}`)];
  lines.push(
    s.gitInitialized
      ? "Initialized a git repository (branch main); nothing is committed yet."
      : `Using the git repository at ${s.hooks.repoRoot} (workspace folder ${s.hooks.workspaceFromRepoRoot}).`,
  );
  lines.push(describeHooks(s.hooks, cwd).trimEnd());
  lines.push("", "Next steps:");
  if (rel !== "") lines.push(`  cd ${shown.includes(" ") ? JSON.stringify(shown) : shown}`);
  lines.push(
    "  nexaas validate                  # check every file",
    '  git add -A && git commit -m "Initial workspace"',
    "  nexaas start                     # run it; the status API needs API_KEY from .env",
  );
  return lines.join("\n") + "\n";
}

const toJson = (s: InitSummary): object => ({
  workspace: s.dir,
  name: s.name,
  files: s.files,
  git_initialized: s.gitInitialized,
  repo_root: s.hooks.repoRoot,
  hooks: s.hooks.hooks.map((h) => ({ name: h.name, path: h.path, status: h.status })),
});
