import { EventEmitter } from "node:events";
import type { Clock } from "../clock.js";
import { webhookIdTtlMs } from "./webhook-ids.js";
import { type Batch, capBoundary, deleteRuns, nextEventWithRuns, oldRunsBatch, overCapBatch, pruneWebhookIds } from "./prune-runs.js";
import { retentionSettings } from "./retention-settings.js";
import type { Sql } from "./sql/sql.js";

export interface RetentionOptions {
  clock: Clock;
  /** Between the end of a pass and the next (default 10 minutes). */
  intervalMs?: number;
  /** Before the first pass, so a start is not slowed by it (default 1 minute). */
  firstPassMs?: number;
  /** Runs looked at per batch, each batch one short transaction (default 500). */
  batchSize?: number;
}

/** What one pass deleted. */
export interface PruneReport {
  /** Runs older than `retention.runs`. */
  expiredRuns: number;
  /** Runs beyond `retention.max_runs_per_event` of their event. */
  overCapRuns: number;
  webhookIds: number;
  /** Transactions and index walks, each followed by a turn of the event loop. */
  batches: number;
}

export interface RetentionEvents {
  pruned: [PruneReport];
  error: [Error];
}

/**
 * Retention (SPEC §11 `retention`): deletes finished runs older than the window
 * or beyond the per-event cap (with their jobs and chat messages; token usage
 * is billing history and stays), and webhook ids past their replay window.
 *
 * Off the hot path: a pass runs on a timer of the injected clock, in batches of
 * `batchSize` runs, each one short transaction, with a turn of the event loop
 * between batches, so health checks, the scheduler and webhooks are served
 * while a million old runs go. Symmetric start/stop; `prune()` runs one pass now.
 */
export class Retention extends EventEmitter<RetentionEvents> {
  private timer: unknown;
  private pass: Promise<PruneReport> | undefined;
  private stopping = false;
  private started = false;

  constructor(
    private readonly sql: Sql,
    private readonly options: RetentionOptions,
  ) {
    super();
  }

  private get batchSize(): number {
    return this.options.batchSize ?? 500;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.stopping = false;
    this.schedule(this.options.firstPassMs ?? 60_000);
  }

  /** Stops the timer; a pass under way stops after its current batch. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.started = false;
    this.options.clock.clearTimeout(this.timer);
    await this.pass?.catch(() => undefined);
  }

  /** One pass now (or the one under way). */
  prune(): Promise<PruneReport> {
    this.pass ??= this.runPass().finally(() => (this.pass = undefined));
    return this.pass;
  }

  private schedule(ms: number): void {
    this.timer = this.options.clock.setTimeout(() => void this.timedPass(), ms);
  }

  private async timedPass(): Promise<void> {
    try {
      this.emit("pruned", await this.prune());
    } catch (error) {
      this.emit("error", error instanceof Error ? error : new Error(String(error)));
    }
    if (this.started && !this.stopping) this.schedule(this.options.intervalMs ?? 600_000);
  }

  private async runPass(): Promise<PruneReport> {
    const report: PruneReport = { expiredRuns: 0, overCapRuns: 0, webhookIds: 0, batches: 0 };
    const now = this.options.clock.now();
    const settings = await retentionSettings(this.sql);
    const limit = this.batchSize;

    // Runs older than the window, oldest first.
    const before = new Date(now.getTime() - settings.runsMs);
    for (let after = 0, done = false; !done && !this.stopping; ) {
      const batch: Batch = await oldRunsBatch(this.sql, before, after, limit);
      report.expiredRuns += await deleteRuns(this.sql, batch.ids);
      ({ after, done } = batch);
      await this.yieldTurn(report);
    }

    // Runs beyond the newest N of each event (events removed since included: their history counts too).
    for (let event = await nextEventWithRuns(this.sql, ""); event !== undefined && !this.stopping; event = await nextEventWithRuns(this.sql, event)) {
      const boundary = await capBoundary(this.sql, event, settings.maxRunsPerEvent);
      for (let after = 0, done = boundary === undefined; !done && boundary !== undefined && !this.stopping; ) {
        const batch = await overCapBatch(this.sql, event, boundary, after, limit);
        report.overCapRuns += await deleteRuns(this.sql, batch.ids);
        ({ after, done } = batch);
        await this.yieldTurn(report);
      }
      await this.yieldTurn(report);
    }

    // Webhook ids past their replay window (a replayed id is answered from the primary key meanwhile).
    const seenBefore = new Date(now.getTime() - webhookIdTtlMs);
    for (let deleted = limit; deleted === limit && !this.stopping; ) {
      deleted = await pruneWebhookIds(this.sql, seenBefore, limit);
      report.webhookIds += deleted;
      await this.yieldTurn(report);
    }
    return report;
  }

  /** Lets timers, I/O and requests run between two batches. */
  private async yieldTurn(report: PruneReport): Promise<void> {
    report.batches++;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
