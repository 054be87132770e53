import type { Database } from "better-sqlite3";
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import type { FastifyInstance } from "fastify";
import { type Clock, systemClock } from "./clock.js";
import type { Logger } from "./log.js";
import { ControllerMetrics } from "./api/metrics-registry.js";
import { observeController } from "./api/observe-controller.js";
import { ReconcileLoop } from "./reconcile/reconcile-loop.js";
import { Scheduler } from "./scheduler/scheduler.js";
import { type LoopSource, watchSource } from "./source/watch-source.js";
import { errorMessage } from "./error-message.js";
import { recoverOrphans } from "./queue/process-groups.js";
import { Retention } from "./store/retention.js";
import { ControllerLockedError, type Fence } from "./store/controller-lock.js";
import { SqliteOwner } from "./store/sqlite-owner.js";
import { endedByWrite, type StoreFault, storeFault } from "./store/store-fault.js";
import { StoreHealth } from "./store/store-health.js";
import type { PostgresSql } from "./store/sql/postgres-sql.js";
import type { Sql } from "./store/sql/sql.js";
import { storeHandles } from "./store/store-handles.js";
import { type JobListener, listenForJobs } from "./queue/job-notices.js";
import { Leadership } from "./store/leadership.js";
import type { Executor } from "./workers/executor.js";
import { defaultExecutors } from "./workers/executors/default-executors.js";
import { WorkerPool } from "./workers/worker-pool.js";
import { workspaceEgress } from "./workers/egress.js";
import { Notifier, type NotifierOptions } from "./notify/notifier.js";
import { readDefinition } from "./store/read-definition.js";

export interface ControllerOptions {
  dir: string;
  source?: LoopSource;
  pollMs?: number;
  driftCheckMs?: number;
  /** WORKER_POOL_SIZE */
  workers?: number;
  /** NEXAAS_LEASE_SECONDS in ms */
  leaseMs?: number;
  /** ENGINE_TICK_SECONDS in ms: the longest the scheduler sleeps */
  tickMs?: number;
  env: NodeJS.ProcessEnv;
  log: Logger;
  clock?: Clock;
  frameworkDir?: string | null;
  /** The status API and page; omitted in tests that only need the runtime. `logger: true` logs its requests through `log` (one format); sessionSecret signs sign-ins (without one, they end with the process). */
  api?: { apiKey: string; port: number; host: string; logger?: boolean | object; sessionSecret?: Buffer };
  /** `start --standby`: wait for the owner's lease to end instead of refusing (how often to look: standbyPollMs, default 1s). */
  standby?: boolean;
  standbyPollMs?: number;
  /** Retention's timer: between passes (default 10 minutes) and before the first (default 1 minute). */
  retention?: { intervalMs?: number; firstPassMs?: number; batchSize?: number };
  /** The executor of each action type (default: defaultExecutors()); a bench swaps one for a no-op to measure the rest. */
  executors?: Record<string, Executor>;
  /** The notifier's timing (rate limit, dedup window, send timeout); its targets come from nexaas.yaml. */
  notify?: Pick<NotifierOptions, "timeoutMs" | "rateLimit" | "dedupeMs">;
}

export interface ControllerEvents {
  /** The controller stopped by itself: the store cannot be trusted (fatal) or another controller took the lock. The CLI exits non-zero. */
  halted: [{ reason: "fatal" | "lock-lost"; message: string }];
  /** A transient store fault began (or changed code): nothing new is scheduled until `recovered`, when a write goes through again. */
  "store-fault": [StoreFault];
  recovered: [];
  /** Standing by: another controller owns the database (once per owner, not at every look). */
  waiting: [{ holder: string }];
  /** PostgreSQL: this controller was elected leader; it reconciles and schedules from now on (after its first reconcile). */
  leading: [Fence];
  /** PostgreSQL: it leads no more (taken over, stopped, or cut off from the store for a lease); it goes on working and serving. */
  following: [];
}

export { ControllerLockedError };

/**
 * The whole controller: source -> reconcile -> scheduler -> queue -> workers.
 * Symmetric start/stop, so a test can run it.
 *
 * On SQLite one controller owns the database (a lock row with a fencing
 * token). On PostgreSQL (issue 16) several share it: every one runs workers,
 * serves the API and accepts webhooks, woken by LISTEN/NOTIFY; one leader,
 * elected under a lease, runs the reconciler, the scheduler and retention,
 * whose writes go through a handle fenced by the lease's token, so a leader
 * that was replaced changes nothing and goes on as a follower.
 *
 * Unattended, it survives its store: a transient fault (disk full, a busy or
 * read-only file, an I/O error) is reported (log, /api/health 503, metrics),
 * nothing new is scheduled meanwhile, and the lock's heartbeat probes the
 * store until a write goes through; a fatal one (a corrupt file, the file
 * deleted or replaced) stops it cleanly. Its writes are fenced by the lock's
 * token: once another controller took over, it changes nothing and stops its
 * scheduler and workers at once.
 */
export class Controller extends EventEmitter<ControllerEvents> {
  readonly owner = `controller-${process.pid}-${randomUUID().slice(0, 8)}`;
  readonly loop: ReconcileLoop;
  readonly scheduler: Scheduler;
  readonly pool: WorkerPool;
  /** Deletes old runs and expired webhook ids, in small batches off the hot path. */
  readonly retention: Retention;
  /** What /metrics serves: fed here as runs end and reconciles finish. */
  readonly metrics: ControllerMetrics;
  /** nexaas.yaml `notifications`: fed here as runs end and reconciles finish; it sends off the hot path. */
  readonly notifier: Notifier;
  readonly health = new StoreHealth();
  private server: FastifyInstance | undefined;
  /** Where the API listens, once started (port 0 picks a free one). */
  address: string | undefined;
  private readonly clock: Clock;
  private halted = false;
  private stopped = false;
  /** See StoreHandles. */
  private readonly db: Database | undefined;
  private readonly sql: Sql;
  private readonly leaderSql: Sql;
  private readonly leaseMs: number;
  /** PostgreSQL: the election, and the leader's parts while this controller leads. */
  private leadership: Leadership | undefined;
  /** SQLite: this controller's hold on the file, once taken. */
  private owned: SqliteOwner | undefined;
  private listener: JobListener | undefined;

  /** `store`: a SQLite connection (openDatabase) or a PostgreSQL pool (openPostgres, migrated). */
  constructor(
    store: Database | PostgresSql,
    private readonly options: ControllerOptions,
  ) {
    super();
    this.clock = options.clock ?? systemClock;
    this.leaseMs = options.leaseMs ?? 60_000;
    ({ db: this.db, sql: this.sql, leaderSql: this.leaderSql } = storeHandles(store));
    // The controller picks the source (the CLI's choice, else the workspace's own repository); the loop follows it.
    this.loop = new ReconcileLoop(this.leaderSql, {
      source: watchSource(options.source ?? { kind: "git" }, { dir: options.dir, pollMs: options.pollMs }),
      ...(options.driftCheckMs !== undefined ? { driftCheckMs: options.driftCheckMs } : {}),
      frameworkDir: options.frameworkDir,
      now: () => this.clock.now(),
      clock: this.clock,
      forwardOnly: !this.db,
    });
    this.loop.on("behind", ({ revision, live }) => {
      this.options.log.warn(
        { revision, live },
        "this controller's repository is behind (or beside) the live revision: not applied, so that a leader never rolls the workspace back; update its copy, or run every controller with --remote URL --branch B (nexaas apply applies a revision by hand)",
      );
    });
    this.scheduler = new Scheduler(this.leaderSql, { clock: this.clock, maxSleepMs: options.tickMs ?? 30_000 });
    this.pool = new WorkerPool(this.sql, {
      size: options.workers ?? 3,
      leaseMs: this.leaseMs,
      executors: options.executors ?? defaultExecutors(),
      env: options.env,
      workspaceDir: options.dir,
      log: options.log,
      clock: this.clock,
    });
    this.retention = new Retention(this.leaderSql, { clock: this.clock, ...options.retention });
    this.metrics = new ControllerMetrics(this.sql, () => this.clock.now(), this.health);
    this.notifier = new Notifier({
      targets: async () => (await readDefinition(this.sql, "workspace", "workspace"))?.notifications ?? [],
      policy: () => workspaceEgress(this.sql),
      env: options.env,
      log: options.log,
      clock: this.clock,
      ...options.notify,
    });
    observeController({ loop: this.loop, pool: this.pool, sql: this.sql, clock: this.clock, metrics: this.metrics, notifier: this.notifier, onError: (error) => this.onError(error) });
    this.loop.on("reconciled", (r) => {
      if (r.result === "applied") this.scheduler.poke();
    });
    this.retention.on("pruned", (report) => {
      if (report.expiredRuns + report.overCapRuns > 0) this.options.log.info(report, "retention: old runs deleted");
    });
    this.scheduler.on("fired", () => this.pool.poke());
    // Every part reports its failures; the store's are judged here, once.
    for (const part of [this.loop, this.scheduler, this.pool, this.retention]) part.on("error", (error) => this.onError(error));
    this.pool.on("finished", () => this.wrote());
    this.scheduler.on("fired", () => this.wrote());
  }

  /**
   * SQLite: takes the database (or throws ControllerLockedError; with
   * `standby`, waits for it), reconciles HEAD, then schedules and works.
   * PostgreSQL: listens for jobs, works, and stands for leader; when elected
   * at the first try it has reconciled HEAD by the time this resolves.
   */
  async start(): Promise<void> {
    if (this.db) {
      this.owned = await SqliteOwner.take(this.db, this.owner, {
        clock: this.clock,
        leaseMs: this.leaseMs,
        standby: this.options.standby === true,
        pollMs: this.options.standbyPollMs ?? 1000,
        waiting: (holder) => this.emit("waiting", { holder }),
        stopped: () => this.stopped,
      });
    }
    try {
      if (this.db) {
        // Jobs still marked running were a dead owner's: their scripts are killed now, and the jobs
        // recovered at the first claim, so a retry never overlaps the attempt it replaces.
        const orphans = await recoverOrphans(this.sql);
        if (orphans.jobs > 0) this.options.log.warn({ jobs: orphans.jobs, scripts_killed: orphans.killed }, "jobs left running by a controller that died: their scripts killed, the jobs retried now");
        this.owned?.keep({
          lost: () => this.halt("lock-lost", "another controller took over this database (its lock's token is newer): stopping without another write"),
          fault: (fault) => this.onFault(fault),
          error: (error) => this.onError(error),
          alive: () => this.wrote(true),
        });
      } else await this.listen();
      // The server is built first, so its metrics see the first reconcile; it listens last.
      const api = this.options.api;
      if (api) {
        const { buildServer } = await import("./api/build-server.js");
        this.server = await buildServer({
          sql: this.sql,
          apiKey: api.apiKey,
          ...(api.sessionSecret ? { sessionSecret: api.sessionSecret } : {}),
          env: this.options.env,
          clock: this.clock,
          storeHealth: this.health,
          ...(api.logger === true ? { loggerInstance: this.options.log } : api.logger !== undefined ? { logger: api.logger } : {}),
          onRunQueued: () => this.pool.poke(),
          metrics: this.metrics,
          ...(this.db ? {} : { role: () => (this.leading ? "leader" : "follower") }),
        });
      }
      if (this.db) {
        this.metrics.leading(true);
        await this.startLeaderParts();
      }
      this.pool.start();
      if (!this.db) {
        await this.elect();
        if (!this.leading) this.options.log.info({ owner: this.owner }, "following: another controller leads (reconciles and schedules); this one works and serves");
      }
      // The first firing and the first claims are done, and their timers armed, when start resolves.
      await this.scheduler.idle();
      await this.pool.idle();
      if (api && this.server) this.address = await this.server.listen({ port: api.port, host: api.host });
    } catch (error) {
      // A start that fails (a taken port, no repository) leaves nothing behind: no timer, no lock.
      await this.stop(0);
      throw error;
    }
  }

  /** Whether this controller reconciles and schedules now: SQLite's owner always; on PostgreSQL the elected leader. */
  get leading(): boolean {
    return this.db !== undefined || this.leadership?.leading === true;
  }

  /** The reconciler, the scheduler and retention: the owner's or the leader's alone. */
  private async startLeaderParts(): Promise<void> {
    await this.loop.start();
    this.scheduler.start();
    this.retention.start();
  }

  private async stopLeaderParts(): Promise<void> {
    this.scheduler.stop();
    await Promise.all([this.loop.stop(), this.retention.stop()]);
    // A wake under way: its firing ends (or rolls back) before the lease can go.
    await this.scheduler.idle();
  }

  /** PostgreSQL: every controller's pool is woken by the NOTIFY of each job queued, on any controller. */
  private async listen(): Promise<void> {
    this.listener = await listenForJobs(
      (this.sql as PostgresSql).url,
      () => this.pool.poke(),
      (error) => this.options.log.warn({ err: errorMessage(error) }, "job notices: connection lost, reconnecting"),
    );
  }

  /** PostgreSQL: stands for leader now and every third of a lease; the first try is over (and a won lead started) when it resolves. */
  private async elect(): Promise<void> {
    const leadership = new Leadership(
      this.sql,
      this.leaderSql,
      { start: () => this.startLeaderParts(), stop: () => this.stopLeaderParts() },
      { owner: this.owner, leaseMs: this.leaseMs, clock: this.clock, log: this.options.log },
    );
    this.leadership = leadership;
    leadership.on("leading", (fence) => {
      this.metrics.leading(true);
      this.emit("leading", fence);
    });
    leadership.on("following", () => {
      this.metrics.leading(false);
      this.emit("following");
    });
    leadership.on("reached", () => this.wrote(true));
    leadership.on("error", (error) => this.onError(error));
    await leadership.start();
  }

  private onError(error: Error | unknown): void {
    const fault = storeFault(error);
    if (fault) this.onFault(fault);
  }

  private onFault(fault: StoreFault): void {
    if (this.halted) return;
    // A leader's fenced write met a newer token: it follows at once (its elector would see it at the next renewal).
    if (fault.kind === "lock-lost" && !this.db) return this.leadership?.follow();
    if (fault.kind === "lock-lost") return this.halt("lock-lost", fault.message);
    if (fault.kind === "fatal") return this.halt("fatal", `the database cannot be used any more (${fault.code}): ${fault.message}`);
    // Held at every fault, not only a new one: a part started meanwhile (the scheduler, after a first reconcile that failed) stops again.
    this.hold();
    if (!this.health.report(fault, this.clock.now())) return;
    this.options.log.error({ code: fault.code, err: fault.message }, "store fault: nothing new is scheduled until a write goes through again (checked at every heartbeat)");
    this.emit("store-fault", fault);
  }

  /**
   * While a transient fault lasts: the scheduler stops (it would retry its due
   * slot at once, in a loop: a full disk spun it), and a write waits for the
   * file's lock briefly instead of busy_timeout, as better-sqlite3 waits on the
   * event loop: five seconds per attempt kept the API (health 503) from
   * answering at all. The heartbeat probes every 1/3 lease.
   */
  private hold(): void {
    // On PostgreSQL the server holds the data: a leader keeps its scheduler, whose firings wait on the pool's reconnection.
    if (!this.owned) return;
    this.scheduler.stop();
    this.owned.hold();
  }

  /**
   * A write went through: a transient fault that writes meet is over (a
   * read-only file is over only when the pulse sees it writable again, as the
   * open descriptor still writes meanwhile).
   */
  private wrote(pulse = false): void {
    const fault = this.health.fault;
    if (!fault || fault.kind !== "transient" || (!pulse && !endedByWrite(fault))) return;
    this.health.recovered();
    this.owned?.resume();
    if (this.halted || this.stopped) return;
    this.options.log.info({ code: fault.code }, "store writable again: resuming");
    this.emit("recovered");
    if (this.leading) this.scheduler.start();
    this.pool.poke();
  }

  /**
   * Stops by itself, at once: no new runs, running attempts aborted (their
   * scripts killed). After a fatal fault the jobs are released and the lock too,
   * where the file still allows; after losing the lock nothing is written.
   */
  private halt(reason: "fatal" | "lock-lost", message: string): void {
    if (this.halted) return;
    this.halted = true;
    this.options.log.error({ reason }, message);
    this.scheduler.stop();
    this.owned?.stop();
    void this.stop(0).then(
      () => this.emit("halted", { reason, message }),
      (error: unknown) => this.emit("halted", { reason, message: `${message}; stopping failed too: ${errorMessage(error)}` }),
    );
  }

  /** SIGTERM: stop claiming and scheduling, let running jobs finish within `graceMs`, release the rest and the lock (or the lead). */
  async stop(graceMs = 30_000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.owned?.stop();
    // The scheduler and the pool first, at once: after a halt (graceMs 0) the running attempts are
    // aborted before any of their timers (a job's heartbeat) can try another write.
    this.scheduler.stop();
    const pool = this.pool.stop(graceMs);
    // Retention stops at its next batch: nothing more is deleted after a halt.
    const retention = this.retention.stop();
    await this.server?.close();
    this.server = undefined;
    await this.loop.stop();
    await pool;
    await retention;
    // A wake under way when the scheduler stopped: its firing ends (or rolls back) before the lock goes.
    await this.scheduler.idle();
    // PostgreSQL: the lease is given up last, so a follower leads at its next try rather than a lease later.
    await this.leadership?.stop();
    await this.listener?.stop();
    // After the pool: the last runs' notices are queued; they get a short grace to go out.
    await this.notifier.stop(graceMs === 0 ? 0 : 5_000);
    if (!this.owned) return;
    try {
      this.owned.release();
    } catch (error) {
      // The file refuses even this: the lock's heartbeat stops, and it is taken over after one lease.
      this.options.log.error({ err: errorMessage(error) }, "could not release the controller lock");
    }
  }
}
