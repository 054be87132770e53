import { execFileSync, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { mkdtempSync, readdirSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../cli/main.js";

/**
 * Keeps the developer's own git config out of the tests: a global core.hooksPath or
 * init.defaultBranch would change where hooks go and what HEAD is. Leftover GIT_DIR or
 * GIT_INDEX_FILE (tests run from inside a hook) would point git at the wrong repository.
 */
export function isolateGit(): void {
  for (const key of Object.keys(process.env)) if (key.startsWith("GIT_")) delete process.env[key];
  const home = tempDir("nexaas-gitconfig-");
  writeFileSync(join(home, "gitconfig"), "");
  process.env.GIT_CONFIG_GLOBAL = join(home, "gitconfig");
  process.env.GIT_CONFIG_NOSYSTEM = "1";
}

/** A fresh folder under the OS temp dir, realpath'd so it compares equal to what git prints. */
export const tempDir = (prefix = "nexaas-test-"): string => realpathSync(mkdtempSync(join(tmpdir(), prefix)));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in-process, as `nexaas <argv>` from `cwd` (with `env` over the process's environment). */
export async function cli(argv: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    cwd,
    env: env ? { ...process.env, ...env } : process.env,
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  return { code, stdout, stderr };
}

export const git = (cwd: string, ...args: string[]): string =>
  execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

/** git as a subprocess that may fail, e.g. `git commit` refused by a hook. */
export const gitResult = (cwd: string, ...args: string[]): SpawnSyncReturns<string> =>
  spawnSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

export function gitIdentity(cwd: string): void {
  git(cwd, "config", "user.name", "Nexaas Test");
  git(cwd, "config", "user.email", "test@example.invalid");
}

/** Every file under root (forward slashes), leaving out .git. */
export function listFiles(root: string, sub = ""): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, sub), { withFileTypes: true })) {
    if (entry.name === ".git") continue;
    const rel = sub ? `${sub}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(root, rel));
    else out.push(rel);
  }
  return out.sort();
}
