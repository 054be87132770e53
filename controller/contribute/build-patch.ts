import { FILE_HEADERS_ONLY, formatPatch, structuredPatch } from "diff";

/** One file of the patch: its path in the product repository, what it holds there now (null: absent) and what it should hold. */
export interface PatchFile {
  path: string;
  pre: string | null;
  post: string;
  /** git modes ("100644" or "100755"): a skill's script keeps its executable bit. */
  preMode?: string;
  postMode?: string;
}

/**
 * A multi-file patch in git's format, so `git apply` on the product repository accepts
 * it: a `diff --git` line and, for a new file, its mode, above each unified diff.
 */
export function buildPatch(files: readonly PatchFile[]): string {
  return files.map(filePatch).join("");
}

function filePatch({ path, pre, post, preMode = "100644", postMode = "100644" }: PatchFile): string {
  let header = `diff --git a/${path} b/${path}\n`;
  if (pre === null) header += `new file mode ${postMode}\n`;
  else if (preMode !== postMode) header += `old mode ${preMode}\nnew mode ${postMode}\n`;
  const patch = structuredPatch(pre === null ? "/dev/null" : `a/${path}`, `b/${path}`, pre ?? "", post, undefined, undefined, { context: 3 });
  // A change of mode alone has no hunks, and git wants no ---/+++ lines then.
  return patch.hunks.length === 0 ? header : header + formatPatch(patch, FILE_HEADERS_ONLY);
}
