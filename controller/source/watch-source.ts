import { RemoteMirror } from "./remote-mirror.js";
import { RevisionWatcher } from "./revision-watcher.js";
import { WorktreeWatcher } from "./worktree-watcher.js";

/** Where new desired state comes from (SPEC §3 "Source"): the CLI's flags choose it. */
export type LoopSource =
  /** The workspace's own repository: HEAD, or a branch. */
  | { kind: "git"; revision?: string }
  /** The working tree, uncommitted (`--worktree`, for local authoring). */
  | { kind: "worktree" }
  /** Pull mode (`--remote URL --branch B`): a clone of our own, fetched every poll. */
  | { kind: "remote"; url: string; branch: string; cacheDir: string; workspacePath?: string };

/** What a watched source tells its follower (the reconcile loop). */
export interface SourceListener {
  /** A revision to reconcile: a commit id, or "worktree". */
  revision(revision: string): void;
  /** Watching hit a problem and goes on. */
  error(error: Error): void;
  /** No revision could be had at all (a fetch failed): worth a line in the status, not only the log. */
  failed(error: Error): void;
}

/** A source being followed: started and stopped by its follower, which never chooses it. */
export interface WatchedSource {
  /** The folder reconcile reads the workspace from (in pull mode, inside the clone). */
  readonly dir: string;
  /** How reconcile reads a revision: from git objects, or the working tree as it is. */
  readonly reads: "git" | "worktree";
  /** Resolves once watching, after the current revision (if any) was reported. */
  start(listener: SourceListener): Promise<void>;
  stop(): Promise<void>;
  /** The last revision reported, for the drift check. */
  current(): string | undefined;
}

export interface WatchOptions {
  /** The workspace folder. Unused in pull mode. */
  dir: string;
  /** Fallback poll of the refs (`--poll`); in pull mode, how often to fetch (default 60s). */
  pollMs?: number;
}

/** The watcher of a chosen source. */
export function watchSource(source: LoopSource, options: WatchOptions): WatchedSource {
  if (source.kind === "worktree") return watchWorktree(options.dir);
  if (source.kind === "remote") return watchRemote(new RemoteMirror(source), options.pollMs ?? 60_000);
  return watchGit(options.dir, source.revision, options.pollMs);
}

function watchGit(dir: string, revision: string | undefined, pollMs: number | undefined): WatchedSource {
  let watcher: RevisionWatcher | undefined;
  return {
    dir,
    reads: "git",
    async start(listener) {
      watcher = new RevisionWatcher({ dir, revision, pollMs });
      watcher.on("revision", (r) => listener.revision(r.commit));
      watcher.on("error", (error) => listener.error(error));
      await watcher.start();
    },
    stop: async () => watcher?.stop(),
    current: () => watcher?.current?.commit,
  };
}

function watchWorktree(dir: string): WatchedSource {
  let watcher: WorktreeWatcher | undefined;
  return {
    dir,
    reads: "worktree",
    async start(listener) {
      watcher = new WorktreeWatcher({ dir });
      watcher.on("change", () => listener.revision("worktree"));
      watcher.on("error", (error) => listener.error(error));
      await watcher.start();
      listener.revision("worktree");
    },
    stop: async () => watcher?.stop(),
    current: () => "worktree",
  };
}

function watchRemote(mirror: RemoteMirror, pollMs: number): WatchedSource {
  let timer: NodeJS.Timeout | undefined;
  let last: string | undefined;
  return {
    dir: mirror.dir,
    reads: "git",
    async start(listener) {
      last = undefined;
      const sync = async (): Promise<void> => {
        try {
          const revision = await mirror.sync();
          if (revision.commit !== last) {
            last = revision.commit;
            listener.revision(revision.commit);
          }
        } catch (error) {
          listener.failed(error instanceof Error ? error : new Error(String(error)));
        }
      };
      await sync();
      timer = setInterval(() => void sync(), pollMs);
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
    },
    current: () => last,
  };
}
