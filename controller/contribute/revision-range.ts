import { git } from "../source/git.js";
import { resolveRevision } from "../source/resolve-revision.js";
import { SourceError } from "../source/source-error.js";

/** The two revisions a contribution spans: head is a commit, base a commit or a tree (the empty tree: everything). */
export interface RevisionRange {
  base: string;
  head: string;
}

/**
 * HEAD, and `base` or else the repository's root commit: nothing records which framework
 * version a workspace started from yet, so by default everything ever changed is offered.
 * Resolved from the workspace folder, which may be a subfolder of a larger repository.
 */
export async function revisionRange(dir: string, base?: string): Promise<RevisionRange> {
  // resolveRevision explains a missing repository, an unborn branch and an unknown revision.
  const { commit: head } = await resolveRevision(dir, "HEAD");
  if (base === undefined) return { base: await rootCommit(dir, head), head };
  try {
    return { base: (await resolveRevision(dir, base)).commit, head };
  } catch (error) {
    // A base from before the workspace folder existed is fine: all of it is new since.
    if (error instanceof SourceError && error.code === "workspace-not-in-revision") {
      return { base: (await git(dir, ["rev-parse", "--verify", "--end-of-options", `${base}^{commit}`])).toString().trim(), head };
    }
    // A tree is a base too: the empty tree (4b825dc…) offers what the first commit added.
    if (error instanceof SourceError && error.code === "unknown-revision") {
      const tree = await treeOf(dir, base);
      if (tree !== undefined) return { base: tree, head };
    }
    throw error;
  }
}

/** The oid of `base` when it names a tree (not a commit: resolveRevision took those), else undefined. */
async function treeOf(dir: string, base: string): Promise<string | undefined> {
  return git(dir, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${base}^{tree}`]).then(
    (out) => out.toString().trim(),
    () => undefined,
  );
}

async function rootCommit(dir: string, head: string): Promise<string> {
  // Histories joined by a merge have several roots; the oldest is listed last.
  const roots = (await git(dir, ["rev-list", "--max-parents=0", head])).toString().trim().split("\n");
  return roots[roots.length - 1] ?? head;
}

/** A workspace-relative path that differs between the two commits. */
export interface ChangedPath {
  path: string;
  deleted: boolean;
  /** Its git mode at head ("100644", "100755", "120000" for a symlink), when not deleted. */
  mode: string;
}

/** Paths under the workspace folder that differ between base and head; a rename counts as a deletion and an addition. */
export async function changedPaths(dir: string, range: RevisionRange): Promise<ChangedPath[]> {
  // --raw -z: ":<old mode> <new mode> <old oid> <new oid> <status>\0<path>\0" per path.
  const out = await git(dir, ["diff", "--raw", "-z", "--no-abbrev", "--no-renames", "--no-ext-diff", "--relative", range.base, range.head, "--"]);
  const fields = out.toString().split("\0");
  const changed: ChangedPath[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [, mode = "", , , status = ""] = (fields[i] ?? "").split(" ");
    const path = fields[i + 1] ?? "";
    if (path !== "") changed.push({ path, deleted: status.startsWith("D"), mode });
  }
  return changed;
}
