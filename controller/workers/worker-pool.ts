import { EventEmitter, setMaxListeners } from "node:events";
import { randomUUID } from "node:crypto";
import { type Clock, systemClock } from "../clock.js";
import type { Logger } from "../log.js";
import { claimJob, claimJobsOnPostgres, type ClaimedJob } from "../queue/claim-job.js";
import { lostLeaseError, type Recovered, recoverExpiredLeases } from "../queue/recover-expired-leases.js";
import { readDefinition } from "../store/read-definition.js";
import { recordRunOutcome } from "../store/record-run-outcome.js";
import { killOrphanedGroups, recordProcessGroup } from "../queue/process-groups.js";
import { releaseJobs } from "../queue/release-jobs.js";
import { immediate, unfencedPostgres } from "../queue/immediate.js";
import { decodeSpec } from "../store/decode-spec.js";
import type { DefinitionSpecs } from "../definitions/definition-specs.js";
import type { Sql } from "../store/sql/sql.js";
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

const nothingRecovered: Recovered = { retried: 0, failed: 0, failedEvents: [], processGroups: [] };

/** A claimed job, with its event when the claim read it too (PostgreSQL's): the worker need not read it again. */
interface Claim {
  job: ClaimedJob;
  known?: { spec: DefinitionSpecs["event"] | undefined };
}

/** What one fill took: the jobs claimed, and the events whose run failed for good with a lost lease. */
interface ReadyJobs {
  claimed: Claim[];
  lost: string[];
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
 * WORKER_POOL_SIZE workers over the queue: claim (atomic, leased), run,
 * record; expired leases of crashed workers are recovered. `stop` stops
 * claiming, lets running jobs finish within a grace period, then aborts the
 * rest and releases their leases so the next start retries them. One fill
 * (recover, claim, launch) at a time: a poke meanwhile fills again after it,
 * so two fills never both count the same free worker.
 */
export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  readonly workerId = `worker-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly running = new Set<Promise<void>>();
  private readonly shutdown = new AbortController();
  private timer: unknown;
  private stopping = false;
  private started = false;
  private readonly clock: Clock;
  /** The fill under way. */
  private filling: Promise<void> | undefined;
  /** Poked meanwhile: fill again when it ends. */
  private fillAgain = false;
  /** When this pool last looked for lapsed leases (PostgreSQL: see recoveryDue). */
  private recoveredAt = -Infinity;

  constructor(
    private readonly sql: Sql,
    private readonly options: WorkerPoolOptions,
  ) {
    super();
    this.clock = options.clock ?? systemClock;
    // Each running job listens for the shutdown: as many listeners as workers, none of them a leak.
    setMaxListeners(0, this.shutdown.signal);
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
    // A claim under way ends first; it starts nothing now, and what it took is released below.
    await this.idle();
    const all = Promise.all(this.running);
    this.emit("stopping", { running: this.running.size, graceMs });
    if (!(await this.settlesWithin(all, graceMs))) {
      this.shutdown.abort(new Error("controller stopping"));
      await all;
    }
    try {
      await releaseJobs(this.sql, this.workerId, this.clock.now());
    } catch (error) {
      // A store that fails, or a lock another controller took: their leases run out and they are retried.
      this.emit("error", error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Resolves when no fill (recovery, claims) is under way; the jobs it started may still run. */
  async idle(): Promise<void> {
    while (this.filling) await this.filling;
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
    if (this.filling) {
      this.fillAgain = true;
      return;
    }
    this.filling = this.claimAndLaunch().finally(() => {
      this.filling = undefined;
      if (this.stopping) return;
      if (this.fillAgain) {
        this.fillAgain = false;
        this.fill();
      } else this.timer = this.clock.setTimeout(() => this.fill(), this.options.pollMs ?? 1000);
    });
  }

  private async claimAndLaunch(): Promise<void> {
    let ready: ReadyJobs = { claimed: [], lost: [] };
    try {
      // SQLite (and a fenced handle): one IMMEDIATE transaction, one commit for the whole fill. On
      // PostgreSQL with no fence each step is one statement, atomic on its own (a keyed claim has a
      // transaction of its own): BEGIN and COMMIT around them would only add round trips.
      ready = unfencedPostgres(this.sql) ? await this.claimReadyJobs() : await immediate(this.sql, () => this.claimReadyJobs());
    } catch (error) {
      this.emit("error", error instanceof Error ? error : new Error(String(error)));
    }
    // Told once committed, so a listener reads what was recorded.
    for (const eventId of ready.lost) this.emit("lost", { eventId });
    // Stopped while claiming: nothing more starts; `stop` releases what was taken.
    if (this.stopping) return;
    for (const claim of ready.claimed) this.launch(claim);
  }

  /**
   * Takes back lapsed leases, then claims a job for every free worker, in one
   * transaction on SQLite: a due second's runs cost one commit, not one each.
   * On PostgreSQL one statement claims them all, with their events.
   */
  private async claimReadyJobs(): Promise<ReadyJobs> {
    // One time for the whole transaction, as PostgreSQL's now() is: its claims become visible
    // together at commit, so each is running from the same moment (and the last of a due second's
    // runs is not stamped later than the first by the claims before it).
    const now = this.clock.now();
    const recovered = this.recoveryDue(now) ? await recoverExpiredLeases(this.sql, now) : nothingRecovered;
    // An attempt whose worker died may have left its script running: it goes before the retry starts.
    killOrphanedGroups(recovered.processGroups);
    for (const eventId of recovered.failedEvents) await this.countLostRun(eventId);
    const claimed: Claim[] = [];
    if (this.sql.dialect === "postgres") {
      if (this.stopping) return { claimed, lost: recovered.failedEvents };
      const claims = await claimJobsOnPostgres(this.sql, this.workerId, now, this.leaseMs, this.size - this.running.size);
      for (const { job, spec } of claims) claimed.push({ job, known: { spec: spec === null ? undefined : decodeSpec("event", spec) } });
      return { claimed, lost: recovered.failedEvents };
    }
    while (!this.stopping && this.running.size + claimed.length < this.size) {
      const job = await claimJob(this.sql, this.workerId, now, this.leaseMs);
      if (!job) break;
      claimed.push({ job });
    }
    return { claimed, lost: recovered.failedEvents };
  }

  /**
   * Whether this fill looks for lapsed leases: on SQLite every time; on
   * PostgreSQL at most once per poll interval. There jobs finishing back to
   * back each start a fill, and a recovery statement per job would be a third
   * of the queue's statements; a lapsed lease (a minute, by default) waits at
   * most a poll interval more, and every controller looks.
   */
  private recoveryDue(now: Date): boolean {
    if (this.sql.dialect !== "postgres") return true;
    if (now.getTime() - this.recoveredAt < (this.options.pollMs ?? 1000)) return false;
    this.recoveredAt = now.getTime();
    return true;
  }

  /**
   * Every ready job is claimed before any of them starts: a start is synchronous
   * work (a script's spawn forks and execs, several ms) that must not hold back
   * the next claim. Each start runs on a later turn of the event loop.
   */
  private launch({ job, known }: Claim): void {
    this.emit("claimed", job);
    const task: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.run(job, known))
      .finally(() => {
        this.running.delete(task);
        this.poke();
      });
    this.running.add(task);
  }

  /** A job that lost its worker on its last attempt failed for good, like any other failure. */
  private async countLostRun(eventId: string): Promise<void> {
    const spec = await readDefinition(this.sql, "event", eventId);
    if (!spec) return;
    await recordRunOutcome(this.sql, eventId, { success: false, at: this.clock.now(), pauseAfter: spec.policy.pause_after_failures, error: lostLeaseError });
  }

  private async run(job: ClaimedJob, known: Claim["known"]): Promise<void> {
    try {
      const outcome = await runJob(job, {
        sql: this.sql,
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
          recordProcessGroup(this.sql, job.jobId, this.workerId, group).catch((error: unknown) => {
            // Not recorded: only an orphan's cleanup is lost; the script itself is supervised as ever.
            this.emit("error", error instanceof Error ? error : new Error(String(error)));
          });
        },
      }, known);
      this.emit("finished", { job, outcome });
    } catch (error) {
      this.emit("error", error instanceof Error ? error : new Error(String(error)));
    }
  }
}
