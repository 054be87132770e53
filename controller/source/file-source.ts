/**
 * Where a workspace tree comes from. The loader reads a working tree, the git
 * index and a git revision through this one interface, so validation, hooks and
 * the reconciler judge exactly the same files the same way.
 */
export interface SourceEntry {
  /** Path relative to the workspace root, forward slashes. */
  path: string;
  type: "file" | "symlink";
  /** Size in bytes (for a symlink, the length of its target). */
  size: number;
  /** git's object id of the content, for a tree read from git (the same content, the same id). */
  oid?: string;
}

export interface FileSource {
  /** For messages: "working tree", "index", "revision 1a2b3c4". */
  readonly label: string;
  /**
   * Every file and symlink of the tree, in no particular order. Paths outside the
   * desired state (isIgnoredPath) are left out unless `includeIgnored`: a scan of what
   * a commit or a shipped folder holds must see them too.
   */
  list(options?: ListOptions): Promise<SourceEntry[]>;
  /**
   * Contents of many paths at once (git answers them in one process).
   * A symlink reads as its target path, as git stores it. A file larger than
   * `maxBytes` is not read: its size (a number) stands in for its content.
   */
  read(paths: readonly string[], maxBytes?: number): Promise<Map<string, Buffer | number>>;
}

export interface ListOptions {
  /** Also list data/, exports/ and .env (never .git or node_modules: git's store and installed packages). */
  includeIgnored?: boolean;
}

/** Folders that are never part of the desired state. */
export const ignoredTopFolders = new Set([".git", "node_modules", "data", "exports"]);

/** Never listed, even with includeIgnored. */
const neverListedTopFolders = new Set([".git", "node_modules"]);

export function isIgnoredPath(path: string, options: ListOptions = {}): boolean {
  const top = path.split("/", 1)[0] ?? "";
  if (options.includeIgnored) return neverListedTopFolders.has(top);
  return ignoredTopFolders.has(top) || path === ".env";
}
