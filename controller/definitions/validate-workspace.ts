import { join } from "node:path";
import { packageRoot } from "../package-root.js";
import { DirectorySource } from "../source/directory-source.js";
import type { FileSource } from "../source/file-source.js";
import { GitSource } from "../source/git-source.js";
import { type LoadResult, loadDefinitions } from "./load-definitions.js";
import type { ValidateCache } from "./validate-cache.js";

export type TreeSelector = { from: "worktree" } | { from: "index" } | { from: "revision"; revision: string };

export interface ValidateOptions {
  /** Absolute path of the workspace folder. */
  dir: string;
  tree?: TreeSelector;
  /** The workspace layer already open on that tree (`validate --staged --scan` shares the index with its scan); default: opened here. */
  source?: FileSource;
  /** Only report diagnostics of these workspace-relative files or folders (cross-file rules still see everything). */
  paths?: readonly string[];
  now?: Date;
  /** Folder of the framework layer; default: the product's framework/. */
  frameworkDir?: string | null;
  /** Blobs and YAML checks kept from earlier runs, for a tree read from git (`validate --staged`); the caller saves it. */
  cache?: ValidateCache;
  /** For a tree read from git: take a blob from the working tree when a file there has its oid (GitSourceOptions.worktree). */
  worktreeBlobs?: boolean;
}

/** The one validator that hooks, CI and the reconciler share. */
export async function validateWorkspace(options: ValidateOptions): Promise<LoadResult> {
  const tree = options.tree ?? { from: "worktree" };
  const gitOptions = { blobs: options.cache, worktree: options.worktreeBlobs };
  const workspace: FileSource =
    options.source ? options.source
    : tree.from === "worktree" ? new DirectorySource(options.dir)
    : tree.from === "index" ? GitSource.index(options.dir, gitOptions)
    : GitSource.revision(options.dir, tree.revision, gitOptions);
  const frameworkDir = options.frameworkDir === undefined ? join(packageRoot, "framework") : options.frameworkDir;
  const result = await loadDefinitions({
    workspace,
    framework: frameworkDir ? new DirectorySource(frameworkDir, "framework") : null,
    // `framework/<path>`, the same on every machine: a path relative to wherever the package is
    // installed (../../prefix/lib/node_modules/nexaas/...) would say nothing, and change with it.
    frameworkPath: (p) => `framework/${p}`,
    now: options.now,
    checkFor: options.cache?.checkFor(),
  });
  return onlyPaths(result, options.paths);
}

/** Keeps the diagnostics of these files or folders ("." for all); `ok` follows what is kept. */
export function onlyPaths(result: LoadResult, paths: readonly string[] | undefined): LoadResult {
  if (!paths || paths.length === 0) return result;
  const wanted = paths.map((p) => p.replace(/\/+$/, ""));
  const diagnostics = result.diagnostics.filter((d) => wanted.some((w) => w === "." || d.file === w || d.file.startsWith(w + "/")));
  return { ...result, diagnostics, ok: !diagnostics.some((d) => d.severity === "error") };
}
