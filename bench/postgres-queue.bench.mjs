// Issue 16: no-op jobs per second end to end on one PostgreSQL, with 1 and with 3 controllers,
// beside pg-boss and graphile-worker run the same way in the same run: each controller is a process
// of its own (bench/postgres-queue-worker.mjs) working CONCURRENCY jobs at once; once all are
// ready, JOBS jobs are queued in one transaction, and the clock stops when the last is done.
// Goal: with 3 controllers, at least graphile-worker's jobs/s. Not run in CI (npm run bench).
import { fork } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { goal, repoRoot, table } from "./lib.mjs";
import { benchPostgres } from "./postgres-server.mjs";

const JOBS = Number(process.env.PG_QUEUE_BENCH_JOBS ?? 5000);
const CONCURRENCY = 8;
const server = await benchPostgres();

const load = (path) => import(pathToFileURL(join(repoRoot, "dist", "controller", path)).href);

const systems = {
  nexaas: {
    async prepare(url) {
      const { openPostgres } = await load("store/open-postgres.js");
      const { enqueueRun } = await load("queue/enqueue-run.js");
      const sql = await openPostgres(url);
      const now = new Date();
      return {
        // One transaction, as a due second's runs are queued.
        enqueue: () =>
          sql.transaction(async (tx) => {
            for (let i = 0; i < JOBS; i++) await enqueueRun(tx, { eventId: "noop", scheduledFor: now, trigger: "manual", runAt: now, priority: 5, maxAttempts: 1 }, now);
          }),
        close: () => sql.close(),
      };
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

async function measure(system, controllers) {
  const url = await server.database();
  const queue = await systems[system].prepare(url);
  const children = [];
  let done = 0;
  let finish;
  const allDone = new Promise((resolve) => (finish = resolve));
  for (let i = 0; i < controllers; i++) {
    const child = fork(join(repoRoot, "bench", "postgres-queue-worker.mjs"), [system, url, String(CONCURRENCY)], { stdio: "inherit" });
    const ready = new Promise((resolve, reject) => {
      child.on("message", (message) => {
        if (message.ready) resolve();
        if (message.done && ++done === JOBS) finish();
      });
      child.on("exit", (code) => reject(new Error(`${system} worker exited ${code}`)));
    });
    children.push({ child, ready });
    await ready; // one at a time: each system migrates on its first start
  }
  const start = performance.now();
  await queue.enqueue();
  await allDone;
  const seconds = (performance.now() - start) / 1000;
  for (const { child } of children) {
    child.removeAllListeners("exit");
    child.send("stop");
  }
  await Promise.all(children.map(({ child }) => new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once("exit", resolve)))));
  await queue.close();
  return JOBS / seconds;
}

const rows = [];
const figures = {};
try {
  for (const controllers of [1, 3]) {
    for (const system of Object.keys(systems)) {
      const perSecond = await measure(system, controllers);
      figures[`${system} ${controllers}`] = perSecond;
      rows.push([system, controllers, CONCURRENCY, JOBS, Math.round(perSecond)]);
    }
  }
} finally {
  await server.stop();
}
console.log(`no-op jobs end to end on one PostgreSQL (${JOBS} jobs queued at once; each controller a process with ${CONCURRENCY} slots)`);
table(["system", "controllers", "slots each", "jobs", "jobs/s"], rows);
// goal() judges "under the limit": graphile-worker's rate over ours is under 1 when ours is at least theirs.
goal("graphile-worker's jobs/s / nexaas's, 3 controllers each", figures["graphile-worker 3"] / figures["nexaas 3"], 1, "x");
