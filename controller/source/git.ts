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

/**
 * Whether commit `ancestor` is `descendant` or one of its ancestors in the
 * repository at `dir`: undefined when git cannot tell (a commit this copy does
 * not have).
 */
export async function isAncestor(dir: string, ancestor: string, descendant: string): Promise<boolean | undefined> {
  try {
    await git(dir, ["merge-base", "--is-ancestor", ancestor, descendant]);
    return true;
  } catch (error) {
    const cause = error instanceof GitError ? error.cause : undefined;
    // Exit 1: not an ancestor. Anything else (128: an unknown commit) says nothing.
    return cause instanceof Error && "code" in cause && cause.code === 1 ? false : undefined;
  }
}

/**
 * Reads many blobs in one `git cat-file --batch` process. The output is
 * parsed as it streams, and a blob larger than `maxBytes` is skipped rather
 * than held in memory: its size comes back instead of its content, so a
 * 300 MB file staged by mistake costs a pre-commit hook nothing.
 */
export function readBlobs(cwd: string, oids: readonly string[], maxBytes = Number.POSITIVE_INFINITY): Promise<(Buffer | number)[]> {
  if (oids.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["cat-file", "--batch"], { cwd, stdio: ["pipe", "pipe", "pipe"] });
    const blobs: (Buffer | number)[] = [];
    const errors: Buffer[] = [];
    let header: Buffer[] = [];
    let body: Buffer[] | undefined; // undefined while skipping a large blob
    let remaining = -1; // bytes of the current blob still to come, plus its trailing newline; -1 between blobs
    let size = 0;
    let failed: Error | undefined;
    child.stdout.on("data", (chunk: Buffer) => {
      let at = 0;
      while (at < chunk.length && !failed) {
        if (remaining < 0) {
          const eol = chunk.indexOf(10, at);
          header.push(chunk.subarray(at, eol < 0 ? chunk.length : eol));
          if (eol < 0) return;
          at = eol + 1;
          const line = Buffer.concat(header).toString();
          header = [];
          const [oid, type, sizeText] = line.split(" ");
          if (type === "missing" || sizeText === undefined) {
            failed = new GitError(`git cat-file: ${line || oid || "?"}`);
            return;
          }
          size = Number(sizeText);
          remaining = size + 1;
          body = size <= maxBytes ? [] : undefined;
        }
        const take = Math.min(remaining, chunk.length - at);
        const part = chunk.subarray(at, at + take);
        at += take;
        remaining -= take;
        body?.push(part); // the trailing newline is cut off below
        if (remaining === 0) {
          blobs.push(body ? Buffer.concat(body).subarray(0, size) : size);
          remaining = -1;
        }
      }
    });
    child.stderr.on("data", (c: Buffer) => errors.push(c));
    child.on("error", (e) => reject(new GitError(`git cat-file failed: ${e.message}`, { cause: e })));
    child.on("close", (code) => {
      if (failed) return reject(failed);
      if (code !== 0) return reject(new GitError(`git cat-file failed: ${Buffer.concat(errors).toString().trim()}`));
      if (blobs.length !== oids.length) return reject(new GitError(`git cat-file answered ${blobs.length} of ${oids.length} objects`));
      resolve(blobs);
    });
    child.stdin.end(oids.join("\n") + "\n");
  });
}

/** The folder's path inside its git repository ("" at the top, or when not in a repository), for repo-relative paths in SARIF and GitHub output. */
export async function repoPrefix(dir: string): Promise<string> {
  try {
    return (await git(dir, ["rev-parse", "--show-prefix"])).toString().trim().replace(/\/$/, "");
  } catch {
    return "";
  }
}

/**
 * Workspace-relative paths of the files the next commit adds or changes (index against
 * HEAD; against the empty tree before the first commit). Deleted files are not listed.
 */
export async function stagedChanges(dir: string): Promise<string[]> {
  const diff = (base: string) => git(dir, ["diff", "--cached", "--name-only", "-z", "--no-renames", "--diff-filter=ACMT", "--relative", base]);
  // Against HEAD at once (one git process in a pre-commit hook, not two); only when that
  // fails is HEAD looked for: before the first commit, the empty tree stands in.
  const out = await diff("HEAD").catch(async (error: unknown) => {
    const hasHead = await git(dir, ["rev-parse", "--verify", "--quiet", "HEAD"]).then(
      () => true,
      () => false,
    );
    if (hasHead) throw error;
    return diff((await git(dir, ["hash-object", "-t", "tree", "--stdin"], "")).toString().trim());
  });
  return out.toString("utf8").split("\0").filter(Boolean);
}
