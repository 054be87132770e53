import { basename, join, resolve, sep } from "node:path";
import { git } from "./git.js";
import { SourceError } from "./source-error.js";

/**
 * The files whose change can move a branch or HEAD: `HEAD` (in the worktree's
 * own git dir), `packed-refs` and `refs/heads/**` (in the common dir, shared by
 * every linked worktree). git writes each through `<file>.lock` and a rename,
 * so the folders are watched and the lock files left out.
 */
export interface RefPaths {
  /** The folders to hand to the file watcher. */
  roots: string[];
  /** For the watcher's `ignored`: everything that is neither a ref nor a folder on the way to one. */
  ignored(path: string): boolean;
  isRef(path: string): boolean;
}

export async function refPaths(dir: string): Promise<RefPaths> {
  let out: string;
  try {
    out = (await git(dir, ["rev-parse", "--absolute-git-dir", "--git-common-dir"])).toString();
  } catch (error) {
    throw new SourceError(`${dir} is not inside a git repository: run \`git init\` and commit the workspace`, "not-a-repository", { cause: error });
  }
  const [gitDir = "", common = ""] = out.split("\n");
  // --git-common-dir may be relative to the cwd (".git", "../.git").
  const commonDir = resolve(dir, common);
  const heads = unix(join(commonDir, "refs", "heads"));
  const files = new Set([unix(join(gitDir, "HEAD")), unix(join(commonDir, "packed-refs"))]);
  const folders = new Set([gitDir, commonDir, join(commonDir, "refs")].map(unix).concat(heads));
  const isRef = (path: string): boolean => {
    const p = unix(path);
    return files.has(p) || (p.startsWith(`${heads}/`) && !p.endsWith(".lock"));
  };
  return {
    roots: [...new Set([gitDir, commonDir])],
    ignored: (path) => !folders.has(unix(path)) && !isRef(path),
    isRef,
  };
}

/** The watched path chokidar's raw event `details` carry (`{ watchedPath }` from its fs.watch handler). */
export function watchedPathOf(details: unknown): string | undefined {
  return details && typeof details === "object" && "watchedPath" in details && typeof details.watchedPath === "string" ? details.watchedPath : undefined;
}

/**
 * The path a raw fs.watch event is about: a folder's watcher names the child,
 * a file's watcher names the file itself.
 */
export function rawEventPath(watchedPath: string, evPath: string | undefined): string {
  return evPath && basename(watchedPath) !== evPath ? join(watchedPath, evPath) : watchedPath;
}

/** chokidar hands its `ignored` matcher forward-slash paths. */
const unix = (path: string): string => (sep === "/" ? path : path.split(sep).join("/"));
