import { FILE_HEADERS_ONLY, formatPatch, structuredPatch } from "diff";

/** One file of the patch: its path in the product repository, what it holds there now (null: absent) and what it should hold. */
export interface PatchFile {
  path: string;
  pre: string | null;
  post: string;
}

/**
 * A multi-file patch in git's format, so `git apply` on the product repository accepts
 * it: a `diff --git` line and, for a new file, its mode, above each unified diff.
 */
export function buildPatch(files: readonly PatchFile[]): string {
  return files.map(filePatch).join("");
}

function filePatch({ path, pre, post }: PatchFile): string {
  const header = pre === null ? `diff --git a/${path} b/${path}\nnew file mode 100644\n` : `diff --git a/${path} b/${path}\n`;
  const patch = structuredPatch(pre === null ? "/dev/null" : `a/${path}`, `b/${path}`, pre ?? "", post, undefined, undefined, { context: 3 });
  return header + formatPatch(patch, FILE_HEADERS_ONLY);
}
