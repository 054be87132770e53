// One "controller" of bench/postgres-queue.bench.mjs, in a process of its own: it works no-op jobs
// from the shared PostgreSQL with CONCURRENCY at once, tells the parent `ready` once it can take
// jobs, and `done` with its count after each job. Usage: node postgres-queue-worker.mjs SYSTEM URL CONCURRENCY
const [system, url, concurrencyArg] = process.argv.slice(2);
const concurrency = Number(concurrencyArg);
let done = 0;
const finished = () => process.send?.({ done: ++done });

const load = async (path) => import(new URL(`../dist/controller/${path}`, import.meta.url).href);

const workers = {
  // Nexaas's own queue calls, as its worker pool makes them: woken by LISTEN/NOTIFY (and a 1 s poll),
  // it claims a job for every free slot in one transaction, then completes each. The pool's executor
  // layer is left out (it is still SQLite-only, issue 16); the jobs are no-ops for every system.
  async nexaas() {
    const { PostgresSql } = await load("store/sql/postgres-sql.js");
    const { claimJob } = await load("queue/claim-job.js");
    const { completeJob } = await load("queue/complete-job.js");
    const { JobListener } = await load("queue/job-notices.js");
    const sql = new PostgresSql(url, { max: concurrency + 2 });
    const listener = new JobListener(url);
    const workerId = `bench-${process.pid}`;
    let running = 0;
    let filling = false;
    let again = false;
    const fill = async () => {
      if (filling) {
        again = true;
        return;
      }
      filling = true;
      do {
        again = false;
        const claimed = await sql.transaction(async (tx) => {
          const jobs = [];
          while (running + jobs.length < concurrency) {
            const job = await claimJob(tx, workerId, new Date(), 60_000);
            if (!job) break;
            jobs.push(job);
          }
          return jobs;
        });
        for (const job of claimed) {
          running++;
          void completeJob(sql, job.jobId, workerId, new Date(), { durationMs: 0, output: "" }).then(() => {
            running--;
            finished();
            void fill();
          });
        }
        if (claimed.length > 0 && running < concurrency) again = true;
      } while (again);
      filling = false;
    };
    listener.on("job", () => void fill());
    listener.on("listening", () => void fill());
    listener.on("error", () => {});
    await listener.start();
    const poll = setInterval(() => void fill(), 1000);
    return async () => {
      clearInterval(poll);
      await listener.stop();
      await sql.close();
    };
  },
  async "pg-boss"() {
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
  async "graphile-worker"() {
    const { run } = await import("graphile-worker");
    const runner = await run({ connectionString: url, concurrency, noHandleSignals: true, pollInterval: 500, taskList: { noop: async () => finished() }, logger: quietLogger(await import("graphile-worker")) });
    return () => runner.stop();
  },
};

function quietLogger({ Logger }) {
  return new Logger(() => () => {});
}

const start = workers[system];
if (!start) throw new Error(`unknown system ${system}`);
const stop = await start();
process.send?.({ ready: true });
process.on("message", async (message) => {
  if (message === "stop") {
    await stop();
    process.exit(0);
  }
});
