import { execFile, spawn } from "node:child_process";

/**
 * Minimal git plumbing. The validator's hot path (`validate --staged` from a
 * pre-commit hook) spawns git twice; plain execFile keeps that cheap.
 */
export class GitError extends Error {}

export function git(cwd: string, args: readonly string[], input?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      "git",
      args,
      { cwd, encoding: "buffer", maxBuffer: 1 << 30, env: { ...process.env, GIT_OPTIONAL_LOCKS: "0" } },
      (error, stdout, stderr) => {
        if (error) {
          const detail = stderr.toString().trim() || error.message;
          reject(new GitError(`git ${args[0] ?? ""} failed in ${cwd}: ${detail}`, { cause: error }));
        } else resolve(stdout);
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Reads many blobs in one `git cat-file --batch` process. */
export function readBlobs(cwd: string, oids: readonly string[]): Promise<Buffer[]> {
  if (oids.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["cat-file", "--batch"], { cwd, stdio: ["pipe", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    const errors: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => chunks.push(c));
    child.stderr.on("data", (c: Buffer) => errors.push(c));
    child.on("error", (e) => reject(new GitError(`git cat-file failed: ${e.message}`, { cause: e })));
    child.on("close", (code) => {
      if (code !== 0) return reject(new GitError(`git cat-file failed: ${Buffer.concat(errors).toString().trim()}`));
      const out = Buffer.concat(chunks);
      const blobs: Buffer[] = [];
      let at = 0;
      for (const oid of oids) {
        const eol = out.indexOf(10, at);
        const header = out.subarray(at, eol).toString();
        const [, type, size] = header.split(" ");
        if (type === undefined || size === undefined) return reject(new GitError(`git cat-file: ${header} (${oid})`));
        const start = eol + 1;
        blobs.push(out.subarray(start, start + Number(size)));
        at = start + Number(size) + 1;
      }
      resolve(blobs);
    });
    child.stdin.end(oids.join("\n") + "\n");
  });
}
