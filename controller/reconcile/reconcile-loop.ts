import { EventEmitter } from "node:events";
import { type Clock, systemClock } from "../clock.js";
import type { WatchedSource } from "../source/watch-source.js";
import type { Sql } from "../store/sql/sql.js";
import { isAncestor } from "../source/git.js";
import { getSyncStatus, recordFailed } from "../store/sync-status.js";
import { type ReconcileResult, reconcile } from "./reconcile.js";

export interface ReconcileLoopOptions {
  /**
   * What to follow. The caller chooses it (controller.ts, from the CLI's flags,
   * through source/watch-source.ts); the loop only starts and stops it.
   */
  source: WatchedSource;
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
  /**
   * Never apply a commit that is not the live revision or a descendant of it
   * (PostgreSQL: each controller follows its own copy of the repository, and a
   * leader whose copy is behind must not roll the workspace back). SQLite's
   * one controller applies what its repository says, a reset included.
   */
  forwardOnly?: boolean;
}

export interface ReconcileLoopEvents {
  /** A revision was reconciled: applied, unchanged or invalid. */
  reconciled: [ReconcileResult & { durationMs: number }];
  /** Reading or applying failed; the loop goes on with the next signal. */
  error: [Error];
  /** forwardOnly: `revision` is behind (or beside) the live one, so it was not applied. */
  behind: [{ revision: string; live: string }];
}

/**
 * The controller's source -> store loop: every new revision is reconciled
 * once, one at a time. Revisions that arrive during a reconcile collapse into
 * one more run for the latest of them.
 */
export class ReconcileLoop extends EventEmitter<ReconcileLoopEvents> {
  private watching: WatchedSource | undefined;
  private driftTimer: unknown;
  private running: Promise<void> | undefined;
  private pending: { revision: string; force: boolean } | undefined;
  /** Failures the source reported, being written to the status. */
  private readonly recording = new Set<Promise<void>>();
  private readonly source: WatchedSource;
  /** The last "behind" pair reported. */
  private behind = "";

  constructor(
    private readonly sql: Sql,
    private readonly options: ReconcileLoopOptions,
  ) {
    super();
    this.source = options.source;
  }

  /** Resolves when watching, after the current revision was reconciled. */
  async start(): Promise<void> {
    if (this.watching) throw new Error("ReconcileLoop is already started");
    await this.source.start({
      revision: (revision) => this.request(revision, false),
      error: (error) => this.emit("error", error),
      failed: (error) => this.recordFailure(this.failed(null, error)),
    });
    this.watching = this.source;
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

  /** Resolves when no reconcile is running or waiting, and every failure reported so far is in the status. */
  async idle(): Promise<void> {
    while (this.running || this.recording.size > 0) {
      if (this.running) await this.running;
      else await Promise.all(this.recording);
    }
  }

  /**
   * Keeps a failure's write until it ends, so that start() and idle() wait for it: on SQLite it
   * is done before the source's callback returns, on PostgreSQL it takes a round trip.
   */
  private recordFailure(writing: Promise<void>): void {
    this.recording.add(writing);
    void writing.finally(() => this.recording.delete(writing));
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
        const live = this.options.forwardOnly ? await this.liveAhead(revision) : undefined;
        if (live !== undefined) {
          // Once per pair: the drift check and the poll ask again every few minutes.
          if (this.behind !== `${revision} ${live}`) this.emit("behind", { revision, live });
          this.behind = `${revision} ${live}`;
          continue;
        }
        const result = await reconcile(this.sql, {
          dir: this.source.dir,
          revision,
          source: this.source.reads,
          force,
          now: this.options.now?.(),
          frameworkDir: this.options.frameworkDir,
        });
        this.emit("reconciled", { ...result, durationMs: performance.now() - started });
      } catch (error) {
        await this.failed(revision === "worktree" ? null : revision, error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  /** The live revision, when `revision` does not descend from it (git cannot tell counts: a commit this copy lacks). */
  private async liveAhead(revision: string): Promise<string | undefined> {
    if (revision === "worktree") return undefined;
    const live = (await getSyncStatus(this.sql)).last_applied_revision;
    if (live === null || live === revision || live === "worktree") return undefined;
    return (await isAncestor(this.source.dir, live, revision)) === true ? undefined : live;
  }

  /** The status says why nothing was applied, not only the log. */
  private async failed(revision: string | null, failure: Error): Promise<void> {
    try {
      await recordFailed(this.sql, { revision, at: this.options.now?.() ?? new Date(), message: failure.message });
    } catch (error) {
      this.emit("error", error instanceof Error ? error : new Error(String(error)));
    }
    this.emit("error", failure);
  }
}
