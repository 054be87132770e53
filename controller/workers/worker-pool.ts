import { EventEmitter } from "node:events";
import { randomUUID } from "node:crypto";
import type { Database, Transaction } from "better-sqlite3";
import { type Clock, systemClock } from "../clock.js";
import type { Logger } from "../log.js";
import { claimJob, type ClaimedJob } from "../queue/claim-job.js";
import { lostLeaseError, recoverExpiredLeases } from "../queue/recover-expired-leases.js";
import { readDefinition } from "../store/read-definition.js";
import { recordRunOutcome } from "../store/record-run-outcome.js";
import { killOrphanedGroups, recordProcessGroup } from "../queue/process-groups.js";
import { releaseJobs } from "../queue/release-jobs.js";
import type { Executor } from "./executor.js";
import { type JobOutcome, runJob } from "./run-job.js";

export interface WorkerPoolOptions {
  /** WORKER_POOL_SIZE: jobs run at once (default 3). */
  size?: number;
  /** NEXAAS_LEASE_SECONDS in ms: a job whose worker stops heartbeating is retried after it. */
  leaseMs?: number;
  /** How often the queue is looked at when nothing pokes the pool. */
  pollMs?: number;
  executors: Readonly<Record<string, Executor>>;
  env: NodeJS.ProcessEnv;
  workspaceDir: string;
  log: Logger;
  clock?: Clock;
}

export interface WorkerPoolEvents {
  /** A worker took a job: its run is running from now on (started_at). */
  claimed: [ClaimedJob];
  /** The job's action is under way: its executor was called (a script's process is spawned). */
  started: [ClaimedJob];
  finished: [{ job: ClaimedJob; outcome: JobOutcome }];
  /** A run failed for good because its worker lost the lease on its last attempt (crashed, hung, or a dead controller's). */
  lost: [{ eventId: string }];
  /** `stop` began: no more claims; the running jobs have `graceMs` (on the pool's clock) before they are aborted. */
  stopping: [{ running: number; graceMs: number }];
  error: [Error];
}

/**
 * WORKER_POOL_SIZE workers over the SQLite queue: claim (atomic, leased),
 * run, record; expired leases of crashed workers are recovered. `stop` stops
 * claiming, lets running jobs finish within a grace period, then aborts the
 * rest and releases their leases so the next start retries them.
 */
export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  readonly workerId = `worker-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly running = new Set<Promise<void>>();
  private readonly shutdown = new AbortController();
  private timer: unknown;
  private stopping = false;
  private started = false;
  private readonly clock: Clock;
  private readonly claimReady: Transaction<() => ClaimedJob[]>;

  constructor(
    private readonly db: Database,
    private readonly options: WorkerPoolOptions,
  ) {
    super();
    this.clock = options.clock ?? systemClock;
    this.claimReady = db.transaction(() => this.claimReadyJobs());
  }

  get size(): number {
    return this.options.size ?? 3;
  }

  get leaseMs(): number {
    return this.options.leaseMs ?? 60_000;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.fill();
  }

  /** New jobs may be waiting (the scheduler fired, a trigger came in). */
  poke(): void {
    if (this.started && !this.stopping) this.fill();
  }

  /** Stops claiming; running jobs get `graceMs` to finish (0: none), then are aborted and their leases released. */
  async stop(graceMs = 30_000): Promise<void> {
    this.stopping = true;
    this.clock.clearTimeout(this.timer);
    const all = Promise.all(this.running);
    this.emit("stopping", { running: this.running.size, graceMs });
    if (!(await this.settlesWithin(all, graceMs))) {
      this.shutdown.abort(new Error("controller stopping"));
      await all;
    }
    try {
      releaseJobs(this.db, this.workerId, this.clock.now());
    } catch (error) {
      // A store that fails, or a lock another controller took: their leases run out and they are retried.
      this.emit("error", error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Whether `all` settles within `graceMs` of the pool's clock. */
  private async settlesWithin(all: Promise<unknown>, graceMs: number): Promise<boolean> {
    if (graceMs <= 0) return false;
    let timer: unknown;
    const grace = new Promise<false>((resolve) => (timer = this.clock.setTimeout(() => resolve(false), graceMs)));
    try {
      return await Promise.race([all.then(() => true), grace]);
    } finally {
      this.clock.clearTimeout(timer);
    }
  }

  private fill(): void {
    this.clock.clearTimeout(this.timer);
    let claimed: ClaimedJob[] = [];
    try {
      claimed = this.claimReady.immediate();
    } catch (error) {
      this.emit("error", error instanceof Error ? error : new Error(String(error)));
    }
    for (const job of claimed) this.launch(job);
    if (!this.stopping) this.timer = this.clock.setTimeout(() => this.fill(), this.options.pollMs ?? 1000);
  }

  /**
   * Takes back lapsed leases, then claims a job for every free worker, in one
   * transaction: a due second's runs cost one commit, not one each.
   */
  private claimReadyJobs(): ClaimedJob[] {
    const recovered = recoverExpiredLeases(this.db, this.clock.now());
    // An attempt whose worker died may have left its script running: it goes before the retry starts.
    killOrphanedGroups(recovered.processGroups);
    for (const eventId of recovered.failedEvents) this.countLostRun(eventId);
    const claimed: ClaimedJob[] = [];
    while (!this.stopping && this.running.size + claimed.length < this.size) {
      const job = claimJob(this.db, this.workerId, this.clock.now(), this.leaseMs);
      if (!job) break;
      claimed.push(job);
    }
    return claimed;
  }

  /**
   * Every ready job is claimed before any of them starts: a start is synchronous
   * work (a script's spawn forks and execs, several ms) that must not hold back
   * the next claim. Each start runs on a later turn of the event loop.
   */
  private launch(job: ClaimedJob): void {
    this.emit("claimed", job);
    const task: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.run(job))
      .finally(() => {
        this.running.delete(task);
        this.poke();
      });
    this.running.add(task);
  }

  /** A job that lost its worker on its last attempt failed for good, like any other failure. */
  private countLostRun(eventId: string): void {
    this.emit("lost", { eventId });
    const spec = readDefinition(this.db, "event", eventId);
    if (!spec) return;
    recordRunOutcome(this.db, eventId, { success: false, at: this.clock.now(), pauseAfter: spec.policy.pause_after_failures, error: lostLeaseError });
  }

  private async run(job: ClaimedJob): Promise<void> {
    try {
      const outcome = await runJob(job, {
        db: this.db,
        workerId: this.workerId,
        clock: this.clock,
        leaseMs: this.leaseMs,
        executors: this.options.executors,
        env: this.options.env,
        workspaceDir: this.options.workspaceDir,
        log: this.options.log,
        shutdown: this.shutdown.signal,
        onStarted: () => this.emit("started", job),
        onError: (error) => this.emit("error", error),
        onProcess: (group) => {
          try {
            recordProcessGroup(this.db, job.jobId, this.workerId, group);
          } catch (error) {
            // Not recorded: only an orphan's cleanup is lost; the script itself is supervised as ever.
            this.emit("error", error instanceof Error ? error : new Error(String(error)));
          }
        },
      });
      this.emit("finished", { job, outcome });
    } catch (error) {
      this.emit("error", error instanceof Error ? error : new Error(String(error)));
    }
  }
}
