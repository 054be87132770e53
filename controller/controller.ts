import type { Database } from "better-sqlite3";
import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { type Clock, systemClock } from "./clock.js";
import type { Logger } from "./log.js";
import { ReconcileLoop } from "./reconcile/reconcile-loop.js";
import { Scheduler } from "./scheduler/scheduler.js";
import { type LoopSource, watchSource } from "./source/watch-source.js";
import { acquireLock, refreshLock, releaseLock } from "./store/controller-lock.js";
import { claudeChat } from "./workers/executors/claude-chat.js";
import { createFlowExecutor } from "./workers/executors/flow.js";
import { scriptExecutor } from "./workers/executors/script.js";
import { skillExecutor } from "./workers/executors/skill.js";
import { webhookExecutor } from "./workers/executors/webhook.js";
import type { Executor } from "./workers/executor.js";
import { WorkerPool } from "./workers/worker-pool.js";

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
  /** The status API; omitted in tests that only need the runtime. */
  api?: { apiKey: string; port: number; host: string; logger?: boolean | object };
}

export class ControllerLockedError extends Error {}

/** The executor of each action type; a flow runs its steps through the others. */
export function defaultExecutors(): Record<string, Executor> {
  const base: Record<string, Executor> = { claude_chat: claudeChat, skill: skillExecutor, script: scriptExecutor, webhook: webhookExecutor };
  base.flow = createFlowExecutor(base);
  return base;
}

/**
 * The whole controller: source -> reconcile -> scheduler -> queue -> workers,
 * with one owner per database. Symmetric start/stop, so a test can run it.
 */
export class Controller {
  readonly owner = `controller-${process.pid}-${randomUUID().slice(0, 8)}`;
  readonly loop: ReconcileLoop;
  readonly scheduler: Scheduler;
  readonly pool: WorkerPool;
  private lockTimer: unknown;
  private server: FastifyInstance | undefined;
  /** Where the API listens, once started (port 0 picks a free one). */
  address: string | undefined;
  private readonly clock: Clock;

  constructor(
    private readonly db: Database,
    private readonly options: ControllerOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    // The controller picks the source (the CLI's choice, else the workspace's own repository); the loop follows it.
    this.loop = new ReconcileLoop(db, {
      source: watchSource(options.source ?? { kind: "git" }, { dir: options.dir, pollMs: options.pollMs }),
      ...(options.driftCheckMs !== undefined ? { driftCheckMs: options.driftCheckMs } : {}),
      frameworkDir: options.frameworkDir,
      now: () => this.clock.now(),
      clock: this.clock,
    });
    this.scheduler = new Scheduler(db, { clock: this.clock, maxSleepMs: options.tickMs ?? 30_000 });
    this.pool = new WorkerPool(db, {
      size: options.workers ?? 3,
      leaseMs: options.leaseMs ?? 60_000,
      executors: defaultExecutors(),
      env: options.env,
      workspaceDir: options.dir,
      log: options.log,
      clock: this.clock,
    });
    this.loop.on("reconciled", (r) => {
      if (r.result === "applied") this.scheduler.poke();
    });
    this.scheduler.on("fired", () => this.pool.poke());
  }

  /** Takes the database (or throws ControllerLockedError), reconciles HEAD, then schedules and works. */
  async start(): Promise<void> {
    const leaseMs = this.options.leaseMs ?? 60_000;
    const lock = acquireLock(this.db, this.owner, this.clock.now(), 3 * leaseMs);
    if (!lock.ok) {
      const h = lock.holder;
      throw new ControllerLockedError(`another controller owns this database: pid ${h.pid} on ${h.host}, last seen ${h.heartbeat_at}; stop it first (or wait ${Math.round((3 * leaseMs) / 1000)}s after it died)`);
    }
    this.lockTimer = this.clock.setInterval(() => {
      if (!refreshLock(this.db, this.owner, this.clock.now())) this.options.log.error("lost the controller lock to another process");
    }, Math.max(1000, Math.floor(leaseMs / 2)));
    // The server is built first, so its metrics see the first reconcile; it listens last.
    const api = this.options.api;
    if (api) {
      const { buildServer } = await import("./api/build-server.js");
      this.server = await buildServer({
        db: this.db,
        apiKey: api.apiKey,
        env: this.options.env,
        clock: this.clock,
        ...(api.logger !== undefined ? { logger: api.logger } : {}),
        onRunQueued: () => this.pool.poke(),
        subscribeReconciles: (listener) => this.loop.on("reconciled", (r) => listener(r.result, r.durationMs / 1000)),
      });
    }
    await this.loop.start();
    this.scheduler.start();
    this.pool.start();
    if (api && this.server) this.address = await this.server.listen({ port: api.port, host: api.host });
  }

  /** SIGTERM: stop claiming and scheduling, let running jobs finish within `graceMs`, release the rest and the lock. */
  async stop(graceMs = 30_000): Promise<void> {
    await this.server?.close();
    this.server = undefined;
    await this.loop.stop();
    this.scheduler.stop();
    await this.pool.stop(graceMs);
    this.clock.clearInterval(this.lockTimer);
    releaseLock(this.db, this.owner);
  }
}
