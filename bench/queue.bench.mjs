// SPEC §7: the queue runs at least 5,000 no-op jobs/s end to end on one SQLite file, and at
// least half of what raw better-sqlite3 reaches for the same statements. One worker, in-process:
// N schedule slots are queued (run + job, one transaction each), then drained (claim, complete:
// one transaction each), on a fresh store file per run. "raw" runs the very SQL text the queue
// modules export, prepared once, in the same transactions, on its own fresh store with the same
// pragmas: the gap is what the modules cost (argument objects, statement cache lookups, dates).
// The two are interleaved round by round, so load on the machine hits both alike.
import { join } from "node:path";
import { loadNexaas, stats, table, tempDir } from "./lib.mjs";

const { openDatabase, closeDatabase } = await loadNexaas("store/open-database.js");
const enqueue = await loadNexaas("queue/enqueue-run.js");
const claim = await loadNexaas("queue/claim-job.js");
const complete = await loadNexaas("queue/complete-job.js");
const { sqliteSql } = await loadNexaas("store/sql/sqlite-sql.js");

const jobs = Number(process.env.QUEUE_BENCH_JOBS ?? 20_000);
const rounds = Number(process.env.QUEUE_BENCH_ROUNDS ?? 5);
const leaseMs = 60_000;
const base = Date.parse("2026-11-23T09:00:00.000Z");
const dir = tempDir("queue");
let files = 0;

/** The store holds `jobs` succeeded runs and jobs, nothing else: a drain that skipped work is not a figure. */
function check(db, label) {
  const runs = db.prepare("SELECT status, count(*) AS n FROM event_runs GROUP BY status").all();
  const queue = db.prepare("SELECT status, count(*) AS n FROM job_queue GROUP BY status").all();
  const ok = (rows) => rows.length === 1 && rows[0].status === "success" && rows[0].n === jobs;
  if (!ok(runs) || !ok(queue)) throw new Error(`${label}: expected ${jobs} succeeded runs and jobs, got ${JSON.stringify({ runs, queue })}`);
}

// The queue is asynchronous (one interface for SQLite and PostgreSQL): each call is awaited, as the
// controller does; on SQLite its statements still run on the calling turn.
async function viaQueue(db) {
  const sql = sqliteSql(db);
  for (let i = 0; i < jobs; i++) {
    const now = new Date(base + i);
    const queued = await enqueue.enqueueRun(sql, { eventId: `event-${i % 100}`, scheduledFor: now, trigger: "schedule", runAt: now, priority: 5, maxAttempts: 3 }, now);
    if (!queued) throw new Error("slot not queued");
  }
  const now = new Date(base + jobs);
  let done = 0;
  for (let job = await claim.claimJob(sql, "bench", now, leaseMs); job; job = await claim.claimJob(sql, "bench", now, leaseMs)) {
    if (!(await complete.completeJob(sql, job.jobId, "bench", now, { output: null, durationMs: 0 }))) throw new Error("lost a lease");
    done++;
  }
  return done;
}

function raw(db) {
  const insertRun = db.prepare(enqueue.insertRunSql);
  const insertJob = db.prepare(enqueue.insertJobSql);
  const claimJob = db.prepare(claim.claimJobSql);
  const startRun = db.prepare(claim.startRunSql);
  const completeJob = db.prepare(complete.completeJobSql).pluck();
  const finishRun = db.prepare(complete.finishRunSuccessSql);
  const enqueueTx = db.transaction((eventId, at) => {
    const run = insertRun.get({ event_id: eventId, scheduled_for: at, trigger: "schedule", revision: null, payload: null, now: at });
    if (!run) return undefined;
    return insertJob.get({ run_id: run.id, event_id: eventId, priority: 5, run_at: at, max_attempts: 3, concurrency_key: null, now: at });
  });
  const claimTx = db.transaction((params) => {
    const job = claimJob.get(params);
    if (!job) return undefined;
    const run = startRun.get({ run_id: job.run_id, attempt: job.attempts, now: params.now });
    return { ...job, payload: run.payload === null ? null : JSON.parse(run.payload) };
  });
  const completeTx = db.transaction((params, result) => {
    const runId = completeJob.get(params);
    if (runId === undefined) return false;
    finishRun.run({ run_id: runId, now: params.now, duration_ms: 0, output: result });
    return true;
  });
  for (let i = 0; i < jobs; i++) {
    const at = new Date(base + i).toISOString();
    if (!enqueueTx.immediate(`event-${i % 100}`, at)) throw new Error("slot not queued");
  }
  const now = new Date(base + jobs).toISOString();
  const expires = new Date(base + jobs + leaseMs).toISOString();
  let done = 0;
  for (let job = claimTx.immediate({ worker: "bench", now, expires }); job; job = claimTx.immediate({ worker: "bench", now, expires })) {
    if (!completeTx.immediate({ id: job.id, worker: "bench", now }, null)) throw new Error("lost a lease");
    done++;
  }
  return done;
}

// The third subject is for information, outside the goals: most of the time goes to WAL
// checkpoints (an fsync each, every 1,000 pages by default), which a store setting could space out.
const lessOftenCheckpointed = async (db) => {
  db.pragma("wal_autocheckpoint = 10000");
  return viaQueue(db);
};
const subjects = [
  { name: "nexaas queue (enqueueRun, claimJob, completeJob)", fn: viaQueue },
  { name: "raw better-sqlite3 (same SQL, same transactions)", fn: raw },
  { name: "info: nexaas queue, wal_autocheckpoint = 10000", fn: lessOftenCheckpointed },
];
const samples = subjects.map(() => []);
// Round 0 warms the JIT and the page cache and is not counted.
for (let round = 0; round <= rounds; round++) {
  for (const [i, subject] of subjects.entries()) {
    const db = openDatabase(join(dir, `store-${++files}.db`));
    const start = performance.now();
    const done = await subject.fn(db);
    const ms = performance.now() - start;
    if (done !== jobs) throw new Error(`${subject.name}: drained ${done} of ${jobs}`);
    check(db, subject.name);
    closeDatabase(db);
    if (round > 0) samples[i].push(ms);
  }
}

const perSecond = (ms) => (jobs * 1000) / ms;
const results = subjects.map((s, i) => ({ name: s.name, ...stats(samples[i]) }));
const count = (n) => Math.round(n).toLocaleString("en-US");
console.log(`${count(jobs)} no-op jobs per run (queue all, then drain with one worker), fresh store file per run, ${rounds} runs each, interleaved`);
table(
  ["subject", "runs", "median ms", "jobs/s (median)", "jobs/s (best)"],
  results.map((r) => [r.name, r.runs, r.median.toFixed(0), count(perSecond(r.median)), count(perSecond(r.min))]),
);
const [queue, rawResult] = results;
const share = perSecond(queue.median) / perSecond(rawResult.median);
console.log(`queue / raw: ${(share * 100).toFixed(0)}% of raw throughput (medians)`);
const line = (label, value, limit, unit) => console.log(`goal: ${label} ${value} >= ${limit}${unit}: ${value >= limit ? "met" : "MISSED"}`);
line("queue jobs/s, median", Math.round(perSecond(queue.median)), 5000, "/s");
line("queue share of raw, medians", Math.round(share * 100), 50, "%");
