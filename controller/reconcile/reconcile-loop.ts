import { EventEmitter } from "node:events";
import type { Database } from "better-sqlite3";
import { RevisionWatcher } from "../source/revision-watcher.js";
import { type ReconcileResult, reconcile } from "./reconcile.js";

export interface ReconcileLoopOptions {
  /** The workspace folder (a subfolder of a larger repository works). */
  dir: string;
  /** "HEAD" (default) or a branch to follow. */
  revision?: string;
  /** Fallback poll of the refs (`--poll`); chokidar notices commits at once. */
  pollMs?: number;
  /**
   * How often the live revision is re-planned even though nothing was
   * committed, so rows edited out of band are put back (Flux's interval).
   * 0 turns it off.
   */
  driftCheckMs?: number;
  frameworkDir?: string | null;
  now?: () => Date;
}

export interface ReconcileLoopEvents {
  /** A revision was reconciled: applied, unchanged or invalid. */
  reconciled: [ReconcileResult & { durationMs: number }];
  /** Reading or applying failed; the loop goes on with the next signal. */
  error: [Error];
}

/**
 * The controller's source -> store loop: every new commit is reconciled once,
 * one at a time. Commits that arrive during a reconcile collapse into one
 * more run for the latest of them.
 */
export class ReconcileLoop extends EventEmitter<ReconcileLoopEvents> {
  private watcher: RevisionWatcher | undefined;
  private driftTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private pending: { commit: string; force: boolean } | undefined;

  constructor(
    private readonly db: Database,
    private readonly options: ReconcileLoopOptions,
  ) {
    super();
  }

  /** Resolves when watching; the current revision is reconciled first. */
  async start(): Promise<void> {
    if (this.watcher) throw new Error("ReconcileLoop is already started");
    const watcher = new RevisionWatcher({ dir: this.options.dir, revision: this.options.revision, pollMs: this.options.pollMs });
    this.watcher = watcher;
    watcher.on("revision", (revision) => this.request(revision.commit, false));
    watcher.on("error", (error) => this.emit("error", error));
    await watcher.start();
    const every = this.options.driftCheckMs ?? 0;
    if (every > 0) {
      this.driftTimer = setInterval(() => {
        const current = watcher.current;
        if (current) this.request(current.commit, true);
      }, every);
    }
    await this.idle();
  }

  /** Stops watching; a reconcile in progress finishes (its transaction is never cut). */
  async stop(): Promise<void> {
    clearInterval(this.driftTimer);
    this.driftTimer = undefined;
    const watcher = this.watcher;
    this.watcher = undefined;
    this.pending = undefined;
    await watcher?.stop();
    await this.idle();
  }

  /** Resolves when no reconcile is running or waiting. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private request(commit: string, force: boolean): void {
    this.pending = { commit, force: force || (this.pending?.force ?? false) };
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
  }

  private async drain(): Promise<void> {
    while (this.pending) {
      const { commit, force } = this.pending;
      this.pending = undefined;
      const started = performance.now();
      try {
        const result = await reconcile(this.db, {
          dir: this.options.dir,
          revision: commit,
          force,
          now: this.options.now?.(),
          frameworkDir: this.options.frameworkDir,
        });
        this.emit("reconciled", { ...result, durationMs: performance.now() - started });
      } catch (error) {
        this.emit("error", error instanceof Error ? error : new Error(String(error)));
      }
    }
  }
}
