// Issue 10: an unattended controller's costs must not grow with its history or its queue.
// Three figures, each measured in this one run against its own baseline:
//   1. GET /metrics with 10,000 and with 1,000,000 historical runs (goal: under 20 ms at 1M,
//      and flat), beside what the scrape's queries cost before (its GROUP BYs, run raw);
//   2. webhook intake with 0 and with 100,000 jobs queued behind a busy key (goal: at least
//      90% of the empty rate), the intake path as controller.ts wires it: the route queues
//      the run and pokes a WorkerPool, which claims; a second process sends the deliveries;
//   3. the worst event-loop delay (perf_hooks.monitorEventLoopDelay) while retention prunes
//      1,000,000 old runs (goal: under 50 ms), beside one transaction deleting them all.
// Rows are seeded with bulk SQL (a recursive CTE per 100,000 rows).
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { clearInterval, setInterval } from "node:timers";
import { Writable } from "node:stream";
import { git, goal, loadNexaas, repoRoot, stats, table, tempDir, timeAsync } from "./lib.mjs";

const { openDatabase, closeDatabase } = await loadNexaas("store/open-database.js");
const { reconcile } = await loadNexaas("reconcile/reconcile.js");
const { buildServer } = await loadNexaas("api/build-server.js");
const { ControllerMetrics } = await loadNexaas("api/metrics-registry.js");
const { readEndedRun } = await loadNexaas("store/ended-run.js");
const { sqliteSql } = await loadNexaas("store/sql/sqlite-sql.js");
const { Retention } = await loadNexaas("store/retention.js");
const { WorkerPool } = await loadNexaas("workers/worker-pool.js");
const { createLogger } = await loadNexaas("log.js");

const dir = tempDir("history");
const day = 86_400_000;
const now = Date.now();
const count = (n) => Math.round(n).toLocaleString("en-US");

/** A committed workspace of `events` (path -> YAML), reconciled into a new store. */
async function storeWith(name, events) {
  const ws = join(dir, `${name}-ws`);
  mkdirSync(join(ws, "events"), { recursive: true });
  writeFileSync(join(ws, "nexaas.yaml"), `name: ${name}\n`);
  for (const [id, yaml] of Object.entries(events)) writeFileSync(join(ws, "events", `${id}.yaml`), yaml);
  git(ws, ["init", "-q", "-b", "main"]);
  git(ws, ["add", "-A"]);
  git(ws, ["-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit", "-qm", name]);
  const db = openDatabase(join(dir, `${name}.db`));
  const applied = await reconcile(sqliteSql(db), { dir: ws, frameworkDir: null });
  if (applied.result !== "applied") throw new Error(`${name}: reconcile ${applied.result}`);
  return { db, ws };
}

/**
 * Appends `n` finished runs (and their jobs) of `events` events, created from `fromAgoMs` to
 * `toAgoMs` before now, in transactions of 100,000 rows. Every `usageEvery`-th run gets a token
 * usage row, every `chatEvery`-th two chat messages.
 */
function seedRuns(db, n, { events = 100, fromAgoMs, toAgoMs, usageEvery = 0, chatEvery = 0 }) {
  const session = chatEvery
    ? db.prepare("INSERT INTO chat_sessions (session_key, created_at, updated_at) VALUES ('bench', ?, ?) ON CONFLICT DO UPDATE SET updated_at = excluded.updated_at RETURNING id").pluck().get(new Date(now).toISOString(), new Date(now).toISOString())
    : null;
  const stepS = (fromAgoMs - toAgoMs) / 1000 / n;
  const startS = (now - fromAgoMs) / 1000;
  const runs = db.prepare(`
    INSERT INTO event_runs (event_id, scheduled_for, trigger, status, attempt, started_at, finished_at, duration_ms, created_at)
    WITH RECURSIVE seq (i) AS (SELECT @from UNION ALL SELECT i + 1 FROM seq WHERE i < @to),
      t (i, at) AS (SELECT i, @start + (i - @first) * @step FROM seq)
    SELECT printf('event-%03d', i % @events), strftime('%Y-%m-%dT%H:%M:%fZ', at, 'unixepoch'), 'schedule',
           CASE WHEN i % 10 = 0 THEN 'failed' ELSE 'success' END, 1,
           strftime('%Y-%m-%dT%H:%M:%fZ', at + 0.2, 'unixepoch'), strftime('%Y-%m-%dT%H:%M:%fZ', at + 1.2 + (i % 7), 'unixepoch'),
           1000 + (i % 7) * 1000, strftime('%Y-%m-%dT%H:%M:%fZ', at, 'unixepoch')
    FROM t`);
  const jobs = db.prepare(`
    INSERT INTO job_queue (run_id, event_id, status, priority, run_at, attempts, created_at, updated_at)
    SELECT id, event_id, status, 5, created_at, 1, created_at, finished_at FROM event_runs WHERE id > ?`);
  const usage = db.prepare(`
    INSERT INTO token_usage (run_id, event_id, model, input_tokens, output_tokens, cost_usd, created_at)
    SELECT id, event_id, CASE WHEN id % 3 = 0 THEN 'claude-haiku-4-5' ELSE 'claude-sonnet-4-5' END, 1200, 300, 0.0081, created_at
    FROM event_runs WHERE id > ? AND id % ? = 0`);
  const chats = db.prepare(`
    INSERT INTO chat_messages (session_id, run_id, role, content, created_at)
    SELECT ?, id, role, 'a turn of the conversation', created_at FROM event_runs, (SELECT 'user' AS role UNION ALL SELECT 'assistant')
    WHERE id > ? AND id % ? = 0`);
  const chunk = 100_000;
  const base = db.prepare("SELECT coalesce(max(id), 0) FROM event_runs").pluck().get();
  for (let from = 0; from < n; from += chunk) {
    db.transaction(() => {
      const after = db.prepare("SELECT coalesce(max(id), 0) FROM event_runs").pluck().get();
      runs.run({ from: base + from, to: base + Math.min(n, from + chunk) - 1, first: base, start: startS, step: stepS, events });
      jobs.run(after);
      if (usageEvery) usage.run(after, usageEvery);
      if (chatEvery) chats.run(session, after, chatEvery);
    })();
  }
}

// ---------------------------------------------------------------------------------------------
// 1. /metrics at 10k and 1M runs

console.log("1. GET /metrics: scrape time against the runs in the store (100 events; token usage 1 row per 10 runs)");
const hundredEvents = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`event-${String(i).padStart(3, "0")}`, "condition: {type: interval, expr: 1h}\naction: {type: script, command: \"true\"}\n"]));
const scrapeStore = await storeWith("metrics", hundredEvents);
const metrics = new ControllerMetrics(sqliteSql(scrapeStore.db), () => new Date());
const app = await buildServer({ sql: sqliteSql(scrapeStore.db), apiKey: "bench", env: {}, metrics });
const scrape = async () => {
  const res = await app.inject({ url: "/metrics", headers: { authorization: "Bearer bench" } });
  if (res.statusCode !== 200) throw new Error(`/metrics: ${res.statusCode}`);
};

// The scrape before this change, its queries run raw: what each scrape cost as history grew.
const oldScrapeSql = [
  "SELECT event_id, status, count(*) AS n FROM event_runs GROUP BY event_id, status",
  `SELECT label, ${[0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800].map((b, i) => `sum(v <= ${b}) AS b${i}`).join(", ")}, count(*) AS n, total(v) AS s
   FROM (SELECT event_id AS label, duration_ms / 1000.0 AS v FROM event_runs WHERE duration_ms IS NOT NULL) GROUP BY label ORDER BY label`,
  `SELECT label, ${[0.1, 0.5, 1, 5, 15, 30, 60, 300, 900, 3600].map((b, i) => `sum(v <= ${b}) AS b${i}`).join(", ")}, count(*) AS n, total(v) AS s
   FROM (SELECT trigger AS label, max(0, (julianday(started_at) - julianday(scheduled_for)) * 86400.0) AS v FROM event_runs
         WHERE trigger IN ('schedule', 'catchup') AND started_at IS NOT NULL) GROUP BY label ORDER BY label`,
  "SELECT status, count(*) AS n FROM job_queue GROUP BY status",
  ...Array.from({ length: 3 }, () => `SELECT model, sum(input_tokens), sum(output_tokens), sum(cache_creation_input_tokens), sum(cache_read_input_tokens), total(cost_usd), count(*) FROM token_usage GROUP BY model`),
].map((sql) => scrapeStore.db.prepare(sql));
const oldScrape = async () => {
  for (const statement of oldScrapeSql) statement.all();
};

const scrapeRows = [];
const scrapeAt = {};
let seeded = 0;
for (const size of [10_000, 1_000_000]) {
  // Disjoint spans of time, so no two runs of an event share a schedule slot.
  seedRuns(scrapeStore.db, size - seeded, size === 10_000 ? { fromAgoMs: 20 * day, toAgoMs: 19 * day, usageEvery: 10 } : { fromAgoMs: 19 * day, toAgoMs: day, usageEvery: 10 });
  seeded = size;
  if (size === 10_000) {
    // The runs this process saw end: every series of every histogram exists, at both sizes.
    for (const id of scrapeStore.db.prepare("SELECT id FROM event_runs ORDER BY id DESC LIMIT 2000").pluck().all()) metrics.runEnded(await readEndedRun(sqliteSql(scrapeStore.db), id));
  }
  const now = await timeAsync(scrape, { runs: 40, warmup: 5 });
  const before = await timeAsync(oldScrape, { runs: size > 100_000 ? 3 : 20, warmup: 1 });
  scrapeAt[size] = now;
  scrapeRows.push([count(size), now.median.toFixed(2), now.p90.toFixed(2), before.median.toFixed(1), `${(before.median / now.median).toFixed(0)}x`]);
}
await app.close();
closeDatabase(scrapeStore.db);
table(["runs in the store", "scrape median ms", "scrape p90 ms", "old scrape's queries ms", "old / now"], scrapeRows);
const flat = scrapeAt[1_000_000].median / scrapeAt[10_000].median;
console.log(`scrape at 1M / at 10k: ${flat.toFixed(2)}x (medians)`);
goal("/metrics scrape median at 1,000,000 runs", scrapeAt[1_000_000].median, 20, " ms");
goal("/metrics scrape at 1M / at 10k (flat: under 1.5x)", flat, 1.5, "x");

// ---------------------------------------------------------------------------------------------
// 2. Webhook intake with 0 and 100k queued jobs

console.log("\n2. Webhook intake: deliveries accepted per second, with 0 and with 100,000 jobs queued behind a busy key");
const secret = `whsec_${Buffer.from("bench webhook secret").toString("base64")}`;
const intakeStore = await storeWith("intake", {
  intake: 'condition: {type: webhook, secret: "${HOOK_SECRET}"}\naction: {type: script, command: "true"}\npolicy: {overlap: queue}\n',
  backlog: "condition: {type: interval, expr: 1d}\naction: {type: script, command: \"true\"}\npolicy: {overlap: queue}\n",
});
const idb = intakeStore.db;
// Jobs hold their worker until the pool stops: the keys stay busy and nothing spawns, so the
// figure is the intake's alone (route, queueing, the claim the poke triggers).
const holdUntilAborted = (ctx) => new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason), { once: true }));
const silent = createLogger({ LOG_LEVEL: "silent" }, new Writable({ write: (_c, _e, cb) => cb() }));
const pool = new WorkerPool(sqliteSql(idb), { size: 3, executors: { script: holdUntilAborted }, env: {}, workspaceDir: intakeStore.ws, log: silent });
const server = await buildServer({ sql: sqliteSql(idb), apiKey: "bench", env: { HOOK_SECRET: secret }, onRunQueued: () => pool.poke() });
const address = await server.listen({ port: 0, host: "127.0.0.1" });
pool.start();

const backlogRun = idb.prepare("INSERT INTO event_runs (event_id, scheduled_for, trigger, status, created_at) VALUES ('backlog', ?, 'manual', 'queued', ?)");
const backlogJob = idb.prepare("INSERT INTO job_queue (run_id, event_id, status, priority, run_at, concurrency_key, created_at, updated_at) VALUES (?, 'backlog', 'queued', 5, ?, 'event:backlog', ?, ?)");
function seedBacklog(n) {
  const at = new Date().toISOString();
  idb.transaction(() => {
    for (let i = 0; i < n; i++) backlogJob.run(backlogRun.run(at, at).lastInsertRowid, at, at, at);
  })();
}
/** Empties the queue (the backlog, and the deliveries of earlier rounds waiting behind the running one). */
function clearQueue() {
  idb.transaction(() => {
    idb.prepare("DELETE FROM job_queue WHERE status = 'queued'").run();
    idb.prepare("DELETE FROM event_runs WHERE status = 'queued'").run();
  })();
}
const queued = () => idb.prepare("SELECT count(*) FROM job_queue WHERE status = 'queued'").pluck().get();
// One backlog job runs, holding its key; the rest of the backlog will wait behind it. The first
// delivery's run does the same for the intake's key: later deliveries queue behind it.
seedBacklog(1);
pool.poke();

let batch = 0;
function send(n) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, "bench", "webhook-load.mjs"), `${address}/hooks/intake`, secret, String(n), "16", `b${++batch}`], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`webhook-load exited ${code}`));
      const result = JSON.parse(out);
      if (result.codes[202] !== n) return reject(new Error(`intake: ${JSON.stringify(result.codes)}`));
      resolve(result.per_second);
    });
  });
}

const deliveries = 2_000;
await send(500); // warm-up: JIT, connections, statement caches
const rates = { empty: [], full: [] };
const depth = { empty: [], full: [] };
for (let round = 0; round < 3; round++) {
  clearQueue();
  depth.empty.push(queued());
  rates.empty.push(await send(deliveries));
  clearQueue();
  seedBacklog(100_000);
  depth.full.push(queued());
  rates.full.push(await send(deliveries));
}
await server.close();
await pool.stop(0);
closeDatabase(idb);
const empty = stats(rates.empty);
const full = stats(rates.full);
table(
  ["queue", "queued jobs (at start of each round)", "deliveries/s (median)", "deliveries/s (best)"],
  [
    ["empty", depth.empty.map(count).join(", "), count(empty.median), count(empty.max)],
    ["100,000 behind a busy key", depth.full.map(count).join(", "), count(full.median), count(full.max)],
  ],
);
const share = (full.median / empty.median) * 100;
console.log(`${count(deliveries)} signed deliveries per round from a second process, 16 at a time (each round's deliveries queue behind the first, as overlap: queue does); 3 rounds, interleaved; every delivery pokes the pool, which claims`);
console.log(`goal: intake with 100,000 queued ${share.toFixed(0)}% of the empty rate >= 90%: ${share >= 90 ? "met" : "MISSED"}`);

// ---------------------------------------------------------------------------------------------
// 3. Event-loop delay while pruning 1M runs

console.log("\n3. Retention: pruning 1,000,000 runs older than 30 days (with their jobs and 100,000 chat messages)");
const pruneDb = openDatabase(join(dir, "prune.db"));
seedRuns(pruneDb, 1_000_000, { fromAgoMs: 100 * day, toAgoMs: 31 * day, chatEvery: 20 });
seedRuns(pruneDb, 10_000, { fromAgoMs: 20 * day, toAgoMs: day });
pruneDb.pragma("wal_checkpoint(TRUNCATE)");
copyFileSync(join(dir, "prune.db"), join(dir, "prune-copy.db"));

const delay = monitorEventLoopDelay({ resolution: 1 });
const retention = new Retention(sqliteSql(pruneDb), { clock: { now: () => new Date(), setTimeout, clearTimeout, setInterval, clearInterval } });
delay.enable();
const pruneStart = performance.now();
const report = await retention.prune();
const pruneMs = performance.now() - pruneStart;
delay.disable();
await retention.stop();
const left = pruneDb.prepare("SELECT count(*) FROM event_runs").pluck().get();
closeDatabase(pruneDb);
if (report.expiredRuns !== 1_000_000 || left !== 10_000) throw new Error(`prune: ${JSON.stringify(report)}, ${left} runs left`);

// The same deletion as one transaction, on a copy of the store: how long the loop would stop.
const copy = openDatabase(join(dir, "prune-copy.db"));
const cutoff = new Date(now - 30 * day).toISOString();
const oneStart = performance.now();
copy.transaction(() => {
  copy.prepare("DELETE FROM chat_messages WHERE run_id IN (SELECT id FROM event_runs WHERE created_at < ?)").run(cutoff);
  copy.prepare("DELETE FROM job_queue WHERE run_id IN (SELECT id FROM event_runs WHERE created_at < ?)").run(cutoff);
  copy.prepare("DELETE FROM event_runs WHERE created_at < ?").run(cutoff);
})();
const oneMs = performance.now() - oneStart;
closeDatabase(copy);

const worst = delay.max / 1e6;
table(
  ["pruning", "runs deleted", "total s", "runs/s", "worst event-loop delay ms", "p99 delay ms"],
  [
    [`retention (batches of 500, ${count(report.batches)} turns)`, count(report.expiredRuns), (pruneMs / 1000).toFixed(1), count((report.expiredRuns * 1000) / pruneMs), worst.toFixed(1), (delay.percentile(99) / 1e6).toFixed(1)],
    ["one transaction (a copy of the store)", count(1_000_000), (oneMs / 1000).toFixed(1), count(1e9 / oneMs), oneMs.toFixed(0), "-"],
  ],
);
console.log(`worst pause while pruning / one-transaction delete: ${((worst / oneMs) * 100).toFixed(2)}%`);
goal("worst event-loop delay while pruning 1,000,000 runs", worst, 50, " ms");
