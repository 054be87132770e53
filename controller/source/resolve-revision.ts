import { stat } from "node:fs/promises";
import { GitError, git } from "./git.js";
import { SourceError } from "./source-error.js";

/** A commit and the oid of the workspace's tree in it. */
export interface Revision {
  commit: string;
  /**
   * The tree at the workspace's path (the root tree when the workspace is the
   * whole repository). Two commits with the same tree hold the same desired
   * state, so a commit that does not touch the workspace is a no-op.
   */
  tree: string;
}

/** Bounds the retries when the ref keeps moving while it is read. */
const attempts = 5;

/**
 * Resolves `revision` (default HEAD) as seen from the workspace folder `dir`,
 * which may be a subfolder of a larger repository, in one git process.
 */
export async function resolveRevision(dir: string, revision = "HEAD"): Promise<Revision> {
  // A leading "-" would be read as an option, not a revision.
  if (revision === "" || revision.startsWith("-")) {
    throw new SourceError(`"${revision}" is not a revision`, "unknown-revision");
  }
  const commit = `${revision}^{commit}`;
  for (let attempt = 1; ; attempt++) {
    let out: string;
    try {
      // `<rev>:./` is the tree at git's cwd, so the workspace prefix costs no
      // second process. git resolves each argument separately, so the commit is
      // asked for on both sides of the tree: if a commit landed in between, the
      // two differ and the pair is read again.
      out = (await git(dir, ["rev-parse", commit, `${commit}:./`, commit])).toString();
    } catch (error) {
      throw await explain(dir, revision, error);
    }
    const [before, tree, after] = out.split("\n");
    if (before && tree && before === after) return { commit: before, tree };
    if (attempt === attempts) throw new GitError(`${revision} kept moving while it was read in ${dir}`);
  }
}

/** Turns git's stderr into a SourceError that says what is wrong and what to do. */
async function explain(dir: string, revision: string, error: unknown): Promise<unknown> {
  if (!(error instanceof GitError)) return error;
  const cause = { cause: error };
  const exists = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!exists) return new SourceError(`workspace folder ${dir} does not exist`, "no-workspace", cause);
  const message = error.message;
  if (/not a git repository/i.test(message)) {
    return new SourceError(`${dir} is not inside a git repository: run \`git init\` and commit the workspace`, "not-a-repository", cause);
  }
  const missing = /path '(.*)' (?:exists on disk, but not in|does not exist in) '(.*)'/.exec(message);
  if (missing && missing[2] === `${revision}^{commit}`) {
    return new SourceError(`the workspace folder ${missing[1]} does not exist in revision ${revision}`, "workspace-not-in-revision", cause);
  }
  if (/expected commit type/.test(message)) return new SourceError(`${revision} is not a commit`, "unknown-revision", cause);
  // Only on this error path: is there any commit at all, or is HEAD's branch unborn?
  const anyRef = await git(dir, ["for-each-ref", "--count=1", "--format=%(refname)"]).then(
    (out) => out.toString().trim() !== "",
    () => true,
  );
  if (!anyRef) return new SourceError(`the repository of ${dir} has no commits yet: commit the workspace first`, "empty-repository", cause);
  if (revision === "HEAD") {
    const branch = await git(dir, ["symbolic-ref", "-q", "--short", "HEAD"]).then(
      (out) => out.toString().trim(),
      () => "",
    );
    if (branch) return new SourceError(`branch ${branch} (HEAD) has no commits yet: commit the workspace first`, "empty-repository", cause);
  }
  return new SourceError(`unknown revision ${revision} in ${dir}`, "unknown-revision", cause);
}
