// One "controller" of bench/postgres-queue.bench.mjs, in a process of its own: it works no-op jobs
// from the shared PostgreSQL with CONCURRENCY at once, tells the parent `ready` once it can take
// jobs, `done` after each job, and on `stop` the statements it sent and the CPU time it used since
// it was ready.
// Usage: node postgres-queue-worker.mjs SYSTEM URL CONCURRENCY
import pg from "pg";
import { loadNexaas } from "./lib.mjs";

/**
 * Counts the statements sent through pg (Client#query: a pool's query goes through one), in this
 * process, for every system alike: pg-boss and graphile-worker use the same pg.
 */
export function countQueries() {
  const counter = { count: 0, texts: new Map() };
  const query = pg.Client.prototype.query;
  const profile = process.env.PG_QUEUE_BENCH_PROFILE === "1";
  pg.Client.prototype.query = function (...args) {
    counter.count++;
    if (profile) {
      const text = (typeof args[0] === "string" ? args[0] : (args[0]?.text ?? "")).replace(/\s+/g, " ").trim().slice(0, 90);
      counter.texts.set(text, (counter.texts.get(text) ?? 0) + 1);
    }
    return query.apply(this, args);
  };
  return counter;
}

/** PG_QUEUE_BENCH_PROFILE=1: each statement's count, most sent first, on stderr. */
export function printProfile(counter, label) {
  if (counter.texts.size === 0) return;
  const lines = [...counter.texts].sort((a, b) => b[1] - a[1]).map(([text, n]) => `${String(n).padStart(7)}  ${text}`);
  console.error(`${label}: statements sent\n${lines.join("\n")}`);
}

const workers = {
  // The whole controller, as `nexaas start` runs it on DATABASE_URL (the API on a free port), with
  // its script executor a no-op. The first to start leads; every one works.
  async "nexaas start"(url, concurrency, finished, failed) {
    const { openPostgres } = await loadNexaas("store/open-postgres.js");
    const { Controller } = await loadNexaas("controller.js");
    const { pino } = await import("pino");
    const sql = await openPostgres(url, { max: concurrency + 2 });
    const controller = new Controller(sql, {
      dir: process.env.PG_QUEUE_BENCH_WORKSPACE,
      pollMs: 0,
      driftCheckMs: 0,
      workers: concurrency,
      env: { PATH: process.env.PATH },
      log: pino({ level: "silent" }),
      frameworkDir: null,
      executors: { script: async () => ({ output: "" }) },
      api: { apiKey: "bench", port: 0, host: "127.0.0.1", logger: false },
    });
    controller.pool.on("finished", ({ outcome }) => (outcome.status === "success" ? finished() : failed(`${outcome.status}: ${outcome.error}`)));
    controller.pool.on("error", (error) => failed(error.message));
    await controller.start();
    return async () => {
      await controller.stop(0);
      await sql.close();
    };
  },
  // Nexaas's WorkerPool, as a controller runs it: woken by LISTEN/NOTIFY (JobListener) and its
  // 1 s poll, it claims for its free workers, runs each job through the executor of its action
  // type (a no-op here), and records the outcome. The event is bench/postgres-queue.bench.mjs's `noop`.
  async nexaas(url, concurrency, finished, failed) {
    const { PostgresSql } = await loadNexaas("store/sql/postgres-sql.js");
    const { WorkerPool } = await loadNexaas("workers/worker-pool.js");
    const { listenForJobs } = await loadNexaas("queue/job-notices.js");
    const { pino } = await import("pino");
    const sql = new PostgresSql(url, { max: concurrency + 2 });
    const pool = new WorkerPool(sql, {
      size: concurrency,
      executors: { script: async () => ({ output: "" }) },
      env: {},
      workspaceDir: process.cwd(),
      log: pino({ level: "silent" }),
    });
    pool.on("finished", ({ outcome }) => (outcome.status === "success" ? finished() : failed(`${outcome.status}: ${outcome.error}`)));
    pool.on("error", (error) => failed(error.message));
    const listener = await listenForJobs(url, () => pool.poke(), () => {});
    pool.start();
    await pool.idle();
    return async () => {
      await listener.stop();
      await pool.stop(0);
      await sql.close();
    };
  },
  async "pg-boss"(url, concurrency, finished) {
    const { default: PgBoss } = await import("pg-boss");
    const boss = new PgBoss({ connectionString: url, max: concurrency + 2, supervise: false, schedule: false });
    boss.on("error", () => {});
    await boss.start();
    // pg-boss 10 works a queue with one fetch loop per work() call, and each loop waits its poll
    // (0.5 s at least) after every fetch; its way to throughput is batches. One loop per slot, each
    // taking a batch: more at once than the others' slots, which only favours pg-boss.
    for (let i = 0; i < concurrency; i++) {
      await boss.work("noop", { batchSize: 25, pollingIntervalSeconds: 0.5 }, async (jobs) => {
        for (const _ of jobs) finished();
      });
    }
    return () => boss.stop({ graceful: false, wait: false });
  },
  async "graphile-worker"(url, concurrency, finished) {
    const { run, Logger } = await import("graphile-worker");
    const logger = new Logger(() => () => {});
    const runner = await run({ connectionString: url, concurrency, noHandleSignals: true, pollInterval: 500, taskList: { noop: async () => finished() }, logger });
    return () => runner.stop();
  },
};

// Run as a worker process (the bench imports the helpers above without starting one).
if (process.send && process.argv[1] === new URL(import.meta.url).pathname) {
  const [system, url, concurrencyArg] = process.argv.slice(2);
  const start = workers[system];
  if (!start) throw new Error(`unknown system ${system}`);
  const queries = countQueries();
  let done = 0;
  const stop = await start(
    url,
    Number(concurrencyArg),
    () => process.send({ done: ++done }),
    (why) => process.send({ failed: why }),
  );
  // From ready on: the jobs' statements, not the system's start (migrations, LISTEN).
  queries.count = 0;
  queries.texts.clear();
  const cpu = process.cpuUsage();
  process.send({ ready: true });
  process.on("message", async (message) => {
    if (message === "stop") {
      const used = process.cpuUsage(cpu);
      process.send({ queries: queries.count, cpuMs: (used.user + used.system) / 1000 });
      printProfile(queries, `${system} worker ${process.pid}`);
      await stop();
      process.exit(0);
    }
  });
}
