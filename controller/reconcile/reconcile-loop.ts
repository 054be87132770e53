import { EventEmitter } from "node:events";
import type { Database } from "better-sqlite3";
import { type Clock, systemClock } from "../clock.js";
import { RemoteMirror } from "../source/remote-mirror.js";
import { recordFailed } from "../store/sync-status.js";
import { RevisionWatcher } from "../source/revision-watcher.js";
import { WorktreeWatcher } from "../source/worktree-watcher.js";
import { type ReconcileResult, reconcile } from "./reconcile.js";

/** Where new desired state comes from (SPEC §3 "Source"). */
export type LoopSource =
  /** The workspace's own repository: HEAD, or a branch. */
  | { kind: "git"; revision?: string }
  /** The working tree, uncommitted (`--worktree`, for local authoring). */
  | { kind: "worktree" }
  /** Pull mode (`--remote URL --branch B`): a clone of our own, fetched every poll. */
  | { kind: "remote"; url: string; branch: string; cacheDir: string; workspacePath?: string };

export interface ReconcileLoopOptions {
  /** The workspace folder (a subfolder of a larger repository works). Unused in pull mode. */
  dir: string;
  source?: LoopSource;
  /** Fallback poll of the refs (`--poll`); in pull mode, how often to fetch. */
  pollMs?: number;
  /**
   * How often the live revision is re-planned even though nothing was
   * committed, so rows edited out of band are put back (Flux's interval).
   * 0 turns it off.
   */
  driftCheckMs?: number;
  frameworkDir?: string | null;
  now?: () => Date;
  /** Runs the drift check's timer. */
  clock?: Clock;
}

export interface ReconcileLoopEvents {
  /** A revision was reconciled: applied, unchanged or invalid. */
  reconciled: [ReconcileResult & { durationMs: number }];
  /** Reading or applying failed; the loop goes on with the next signal. */
  error: [Error];
}

interface Watching {
  stop(): Promise<void>;
  /** The last revision seen, for the drift check. */
  current(): string | undefined;
}

/**
 * The controller's source -> store loop: every new revision is reconciled
 * once, one at a time. Revisions that arrive during a reconcile collapse into
 * one more run for the latest of them.
 */
export class ReconcileLoop extends EventEmitter<ReconcileLoopEvents> {
  private watching: Watching | undefined;
  private driftTimer: unknown;
  private running: Promise<void> | undefined;
  private pending: { revision: string; force: boolean } | undefined;
  private dir: string;
  private readonly source: LoopSource;

  constructor(
    private readonly db: Database,
    private readonly options: ReconcileLoopOptions,
  ) {
    super();
    this.dir = options.dir;
    this.source = options.source ?? { kind: "git" };
  }

  /** Resolves when watching, after the current revision was reconciled. */
  async start(): Promise<void> {
    if (this.watching) throw new Error("ReconcileLoop is already started");
    this.watching = await this.watch();
    const every = this.options.driftCheckMs ?? 0;
    if (every > 0) {
      this.driftTimer = (this.options.clock ?? systemClock).setInterval(() => {
        const current = this.watching?.current();
        if (current) this.request(current, true);
      }, every);
    }
    await this.idle();
  }

  /** Stops watching; a reconcile in progress finishes (its transaction is never cut). */
  async stop(): Promise<void> {
    (this.options.clock ?? systemClock).clearInterval(this.driftTimer);
    this.driftTimer = undefined;
    const watching = this.watching;
    this.watching = undefined;
    this.pending = undefined;
    await watching?.stop();
    await this.idle();
  }

  /** Resolves when no reconcile is running or waiting. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async watch(): Promise<Watching> {
    const source = this.source;
    const pollMs = this.options.pollMs;
    if (source.kind === "worktree") {
      const watcher = new WorktreeWatcher({ dir: this.dir });
      watcher.on("change", () => this.request("worktree", false));
      watcher.on("error", (error) => this.emit("error", error));
      await watcher.start();
      this.request("worktree", false);
      return { stop: () => watcher.stop(), current: () => "worktree" };
    }
    if (source.kind === "remote") {
      const mirror = new RemoteMirror(source);
      this.dir = mirror.dir;
      let last: string | undefined;
      const sync = async () => {
        try {
          const revision = await mirror.sync();
          if (revision.commit !== last) {
            last = revision.commit;
            this.request(revision.commit, false);
          }
        } catch (error) {
          const failure = error instanceof Error ? error : new Error(String(error));
          recordFailed(this.db, { revision: null, at: this.options.now?.() ?? new Date(), message: failure.message });
          this.emit("error", failure);
        }
      };
      await sync();
      const timer = setInterval(() => void sync(), pollMs ?? 60_000);
      return {
        stop: async () => {
          clearInterval(timer);
        },
        current: () => last,
      };
    }
    const watcher = new RevisionWatcher({ dir: this.dir, revision: source.revision, pollMs });
    watcher.on("revision", (revision) => this.request(revision.commit, false));
    watcher.on("error", (error) => this.emit("error", error));
    await watcher.start();
    return { stop: () => watcher.stop(), current: () => watcher.current?.commit };
  }

  private request(revision: string, force: boolean): void {
    this.pending = { revision, force: force || (this.pending?.force ?? false) };
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
  }

  private async drain(): Promise<void> {
    while (this.pending) {
      const { revision, force } = this.pending;
      this.pending = undefined;
      const started = performance.now();
      try {
        const result = await reconcile(this.db, {
          dir: this.dir,
          revision,
          source: this.source.kind === "worktree" ? "worktree" : "git",
          force,
          now: this.options.now?.(),
          frameworkDir: this.options.frameworkDir,
        });
        this.emit("reconciled", { ...result, durationMs: performance.now() - started });
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        // The status says why nothing was applied, not only the log.
        recordFailed(this.db, { revision: revision === "worktree" ? null : revision, at: this.options.now?.() ?? new Date(), message: failure.message });
        this.emit("error", failure);
      }
    }
  }
}
