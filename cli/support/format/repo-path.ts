import { posix } from "node:path";

/**
 * A workspace-relative path made relative to the git top level, with forward slashes,
 * because GitHub (annotations, code scanning) resolves paths from the repository root.
 */
export function repoRelative(workspaceFromRepoRoot: string, file: string): string {
  const base = workspaceFromRepoRoot.replace(/\\/g, "/").replace(/^\.\/?$/, "");
  const joined = posix.join(base, file.replace(/\\/g, "/"));
  return joined === "." ? "" : joined;
}
