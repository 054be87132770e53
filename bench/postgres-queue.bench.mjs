// Issue 16: no-op jobs per second end to end on one PostgreSQL, with 1 and with 3 controllers,
// beside pg-boss and graphile-worker run the same way in the same run: each controller is a process
// of its own (bench/postgres-queue-worker.mjs) working CONCURRENCY jobs at once; once all are
// ready, JOBS jobs are queued in one transaction, and the clock stops when the last is done.
// Nexaas's controllers are its real WorkerPool (claim, run through an executor, record the outcome,
// complete), woken by its JobListener, with a no-op executor; pg-boss and graphile-worker run
// no-op handlers. Goal: with 3 controllers, at least graphile-worker's jobs/s. Not run in CI.
//
// Besides jobs/s the table gives the statements each system sent per job (pg's Client#query
// calls, counted in every process: BEGIN, COMMIT and SAVEPOINT included), split into the
// enqueuing side and the workers, the workers' CPU time per job (user + system, all processes) and
// the server's (its processes', enqueue included; /proc, when the server runs here):
// figures that a loaded machine's noise moves less than jobs/s. "after enqueue jobs/s" counts from
// the enqueue's commit to the last job done: the workers alone. jobs/s, the goal's, counts from the
// enqueue's start.
//
// "nexaas start" is the whole controller in each process (controller.ts, as `nexaas start` builds
// it: leader election, reconcile loop, scheduler, API on a port, LISTEN/NOTIFY, the pool), on a
// git workspace with the no-op event, its script executor swapped for a no-op; "nexaas" is its
// WorkerPool and JobListener alone. A variant is an entry in `systems` below (how its jobs are
// queued) and one in the worker file's `workers` (how one controller works them).
// PG_QUEUE_BENCH_SYSTEMS=nexaas,graphile-worker runs only those; PG_QUEUE_BENCH_JOBS sets JOBS;
// PG_QUEUE_BENCH_ROUNDS=3 measures each three times, interleaved, and reports medians;
// NEXAAS_BENCH_DIST=/path/to/dist measures another build of nexaas (a before/after).
import { fork } from "node:child_process";
import { join } from "node:path";
import pg from "pg";
import { mkdirSync, writeFileSync } from "node:fs";
import { git, goal, loadNexaas, repoRoot, stats, table, tempDir } from "./lib.mjs";
import { benchPostgres } from "./postgres-server.mjs";
import { countQueries } from "./postgres-queue-worker.mjs";

const JOBS = Number(process.env.PG_QUEUE_BENCH_JOBS ?? 5000);
const CONCURRENCY = 8;
const CONTROLLERS = [1, 3];
const ROUNDS = Number(process.env.PG_QUEUE_BENCH_ROUNDS ?? 1);
const server = await benchPostgres();
const queries = countQueries();

/** The no-op event every nexaas job runs: a script action, which the workers' no-op executor stands in for. */
const noopEventSpec = { condition: { type: "webhook", secret: "${HOOK_SECRET}" }, action: { type: "script", command: "true" } };

/** Queues JOBS manual runs of `noop` in one transaction, as a due second's runs are queued. */
async function nexaasQueue(sql) {
  const { enqueueRun } = await loadNexaas("queue/enqueue-run.js");
  const now = new Date();
  return {
    enqueue: () =>
      sql.transaction(async (tx) => {
        for (let i = 0; i < JOBS; i++) await enqueueRun(tx, { eventId: "noop", scheduledFor: now, trigger: "manual", runAt: now, priority: 5, maxAttempts: 1 }, now);
      }),
    close: () => sql.close(),
  };
}

const systems = {
  "nexaas start": {
    async prepare(url) {
      // The workspace the controllers reconcile (the leader applies it; its event never fires by itself).
      const dir = tempDir("pg-queue-ws");
      mkdirSync(join(dir, "events"));
      writeFileSync(join(dir, "nexaas.yaml"), "name: bench\n");
      writeFileSync(join(dir, "events/noop.yaml"), "condition: {type: interval, expr: 24h}\naction: {type: script, command: 'true'}\npolicy: {overlap: allow, retries: 0}\n");
      git(dir, ["init", "-q", "-b", "main"]);
      git(dir, ["add", "-A"]);
      git(dir, ["-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit", "-qm", "noop"]);
      process.env.PG_QUEUE_BENCH_WORKSPACE = dir;
      const { openPostgres } = await loadNexaas("store/open-postgres.js");
      return nexaasQueue(await openPostgres(url));
    },
  },
  nexaas: {
    async prepare(url) {
      const { openPostgres } = await loadNexaas("store/open-postgres.js");
      const sql = await openPostgres(url);
      const now = new Date();
      const at = now.toISOString();
      await sql.run(
        "INSERT INTO events (name, layer, revision, digest, file, spec, condition_digest, created_at, updated_at) VALUES ('noop', 'workspace', 'bench', 'bench', 'events/noop.yaml', ?, 'bench', ?, ?)",
        [JSON.stringify(noopEventSpec), at, at],
      );
      return nexaasQueue(sql);
    },
  },
  "pg-boss": {
    async prepare(url) {
      const { default: PgBoss } = await import("pg-boss");
      const boss = new PgBoss({ connectionString: url, supervise: false, schedule: false });
      boss.on("error", () => {});
      await boss.start();
      await boss.createQueue("noop");
      return {
        enqueue: () => boss.insert(Array.from({ length: JOBS }, () => ({ name: "noop", data: {} }))),
        close: () => boss.stop({ graceful: false, wait: true }),
      };
    },
  },
  "graphile-worker": {
    async prepare(url) {
      const { runMigrations } = await import("graphile-worker");
      await runMigrations({ connectionString: url });
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      return {
        enqueue: () => client.query("SELECT graphile_worker.add_job('noop', '{}'::json) FROM generate_series(1, $1)", [JOBS]),
        close: () => client.end(),
      };
    },
  },
};

const chosen = process.env.PG_QUEUE_BENCH_SYSTEMS?.split(",").map((s) => s.trim()) ?? Object.keys(systems);
for (const name of chosen) if (!systems[name]) throw new Error(`PG_QUEUE_BENCH_SYSTEMS: no system ${name} (${Object.keys(systems).join(", ")})`);

/** One system with `controllers` worker processes: `{perSecond, drainPerSecond, enqueueSeconds, enqueueQueries, workerQueries, workerCpuMs, serverCpuMs}`. */
async function measure(system, controllers) {
  const url = await server.database();
  const queue = await systems[system].prepare(url);
  const children = [];
  let done = 0;
  let finish;
  let fail;
  const allDone = new Promise((resolve, reject) => ((finish = resolve), (fail = reject)));
  let workerQueries = 0;
  let workerCpuMs = 0;
  for (let i = 0; i < controllers; i++) {
    const child = fork(join(repoRoot, "bench", "postgres-queue-worker.mjs"), [system, url, String(CONCURRENCY)], { stdio: "inherit" });
    const ready = new Promise((resolve, reject) => {
      child.on("message", (message) => {
        if (message.ready) resolve();
        if (message.done && ++done === JOBS) finish();
        if (message.failed) fail(new Error(`${system}: a job did not succeed: ${message.failed}`));
        if (message.queries !== undefined) workerQueries += message.queries;
        if (message.cpuMs !== undefined) workerCpuMs += message.cpuMs;
      });
      child.on("exit", (code) => {
        const error = new Error(`${system} worker exited ${code}`);
        reject(error);
        fail(error);
      });
    });
    children.push({ child, ready });
    await ready; // one at a time: each system migrates on its first start
  }
  const serverCpuBefore = await server.cpuMs();
  const start = performance.now();
  const before = queries.count;
  await queue.enqueue();
  const enqueueSeconds = (performance.now() - start) / 1000;
  const enqueueQueries = queries.count - before;
  await allDone;
  const seconds = (performance.now() - start) / 1000;
  const serverCpuAfter = await server.cpuMs();
  const serverCpuMs = serverCpuBefore === undefined || serverCpuAfter === undefined ? undefined : serverCpuAfter - serverCpuBefore;
  for (const { child } of children) {
    child.removeAllListeners("exit");
    child.send("stop");
  }
  await Promise.all(children.map(({ child }) => new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once("exit", resolve)))));
  await queue.close();
  return { perSecond: JOBS / seconds, drainPerSecond: JOBS / (seconds - enqueueSeconds), enqueueSeconds, enqueueQueries, workerQueries, workerCpuMs, serverCpuMs };
}

// Rounds interleave the systems (each round measures every one), so a burst of load on a shared
// machine hits them alike; each figure is the median of its rounds.
const median = (values) => {
  const known = values.filter((v) => v !== undefined);
  return known.length === 0 ? undefined : stats(known).median;
};
const samples = {};
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const controllers of CONTROLLERS) {
      for (const system of chosen) (samples[`${system} ${controllers}`] ??= []).push(await measure(system, controllers));
    }
  }
} finally {
  await server.stop();
}
const rows = [];
const figures = {};
for (const controllers of CONTROLLERS) {
  for (const system of chosen) {
    const runs = samples[`${system} ${controllers}`];
    const m = Object.fromEntries(Object.keys(runs[0]).map((k) => [k, median(runs.map((r) => r[k]))]));
    figures[`${system} ${controllers}`] = m.perSecond;
    const perJob = (v) => (v === undefined ? "n/a" : (v / JOBS).toFixed(2));
    const range = runs.length > 1 ? ` (${Math.round(Math.min(...runs.map((r) => r.perSecond)))}-${Math.round(Math.max(...runs.map((r) => r.perSecond)))})` : "";
    rows.push([system, controllers, CONCURRENCY, JOBS, m.enqueueSeconds.toFixed(2), perJob(m.enqueueQueries), perJob(m.workerQueries), perJob(m.workerCpuMs), perJob(m.serverCpuMs), Math.round(m.drainPerSecond), `${Math.round(m.perSecond)}${range}`]);
  }
}
const rounds = ROUNDS > 1 ? `; medians of ${ROUNDS} interleaved rounds, jobs/s range in brackets` : "";
console.log(`no-op jobs end to end on one PostgreSQL (${JOBS} jobs queued at once in one transaction; each controller a process with ${CONCURRENCY} slots${rounds})`);
table(["system", "controllers", "slots each", "jobs", "enqueue s", "enqueue stmts/job", "worker stmts/job", "worker CPU ms/job", "server CPU ms/job", "after enqueue jobs/s", "jobs/s"], rows);
// goal() judges "under the limit": graphile-worker's rate over ours is under 1 when ours is at least theirs.
for (const nexaas of ["nexaas start", "nexaas"]) {
  if (figures["graphile-worker 3"] && figures[`${nexaas} 3`]) goal(`graphile-worker's jobs/s / ${nexaas}'s, 3 controllers each`, figures["graphile-worker 3"] / figures[`${nexaas} 3`], 1, "x");
}
