// One "controller" of bench/postgres-queue.bench.mjs, in a process of its own: it works no-op jobs
// from the shared PostgreSQL with CONCURRENCY at once, tells the parent `ready` once it can take
// jobs, and `done` with its count after each job. Usage: node postgres-queue-worker.mjs SYSTEM URL CONCURRENCY
const [system, url, concurrencyArg] = process.argv.slice(2);
const concurrency = Number(concurrencyArg);
let done = 0;
const finished = () => process.send?.({ done: ++done });

const workers = {
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
