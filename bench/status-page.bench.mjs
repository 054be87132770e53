// Issue 14: the status page's overview must load fast on a big store. Server time (in process,
// app.inject, signed in with a session cookie as the page is) for the requests the overview
// makes (ui/src/pages/overview.tsx and the header: /api/session, /api/status,
// /api/runs?status=failed&limit=100), with 10,000 events and 1,000,000 runs, one job each, token
// usage on every 10th (goal: under 300 ms in total). Beside them, in the same rounds: the events
// page's first page (/api/events?limit=100), /api/queue (every job counted by status: the whole
// table, which the overview no longer asks for), and /api/health, the server's fixed cost per
// request. Then the UI bundle's size as a browser downloads it.
// Rows are seeded with bulk SQL (a recursive CTE per 100,000 rows), as history.bench.mjs does.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { git, goal, loadNexaas, repoRoot, stats, table, tempDir } from "./lib.mjs";

const { openDatabase, closeDatabase } = await loadNexaas("store/open-database.js");
const { reconcile } = await loadNexaas("reconcile/reconcile.js");
const { buildServer } = await loadNexaas("api/build-server.js");
const { createApiToken } = await loadNexaas("store/create-api-token.js");
const { sqliteSql } = await loadNexaas("store/sql/sqlite-sql.js");
const { hashApiToken, newApiToken } = await loadNexaas("api/api-token.js");

const dir = tempDir("status-page");
const day = 86_400_000;
const now = Date.now();
const eventCount = 10_000;
const runCount = 1_000_000;
const count = (n) => Math.round(n).toLocaleString("en-US");

// 10,000 events in a committed workspace: interval scripts, every 50th switched off.
const ws = join(dir, "ws");
mkdirSync(join(ws, "events"), { recursive: true });
writeFileSync(join(ws, "nexaas.yaml"), "name: status-bench\nbudget: {daily_usd: 50}\n");
for (let i = 0; i < eventCount; i++) {
  const enabled = i % 50 === 0 ? "enabled: false\n" : "";
  writeFileSync(join(ws, "events", `event-${String(i).padStart(5, "0")}.yaml`), `condition: {type: interval, expr: 1h}\naction: {type: script, command: "true"}\n${enabled}`);
}
git(ws, ["init", "-q", "-b", "main"]);
git(ws, ["add", "-A"]);
git(ws, ["-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit", "-qm", "10k events"]);
const db = openDatabase(join(dir, "nexaas.db"));
const applied = await reconcile(sqliteSql(db), { dir: ws, frameworkDir: null });
if (applied.result !== "applied") throw new Error(`reconcile: ${applied.result}`);

// 1,000,000 finished runs over the last 30 days, one in 1,000 failed, each with its job;
// token usage for every 10th. Then a few queued and running jobs.
const span = 30 * day;
const seedRuns = db.prepare(`
  INSERT INTO event_runs (event_id, scheduled_for, trigger, status, attempt, started_at, finished_at, duration_ms, error, created_at)
  WITH RECURSIVE seq (i) AS (SELECT @from UNION ALL SELECT i + 1 FROM seq WHERE i < @to),
    t (i, at) AS (SELECT i, @start + i * @step FROM seq)
  SELECT printf('event-%05d', i % @events), strftime('%Y-%m-%dT%H:%M:%fZ', at, 'unixepoch'), 'schedule',
         CASE WHEN i % 1000 = 7 THEN 'failed' ELSE 'success' END, 1,
         strftime('%Y-%m-%dT%H:%M:%fZ', at + 0.2, 'unixepoch'), strftime('%Y-%m-%dT%H:%M:%fZ', at + 1.2, 'unixepoch'), 1000,
         CASE WHEN i % 1000 = 7 THEN 'exit code 1: the export is missing' END, strftime('%Y-%m-%dT%H:%M:%fZ', at, 'unixepoch')
  FROM t`);
const seedJobs = db.prepare(`
  INSERT INTO job_queue (run_id, event_id, status, priority, run_at, attempts, created_at, updated_at)
  SELECT id, event_id, status, 5, created_at, 1, created_at, finished_at FROM event_runs WHERE id > ?`);
const seedUsage = db.prepare(`
  INSERT INTO token_usage (run_id, event_id, model, input_tokens, output_tokens, cost_usd, created_at)
  SELECT id, event_id, 'claude-sonnet-4-5', 1200, 300, 0.0081, created_at FROM event_runs WHERE id > ? AND id % 10 = 0`);
const seedStart = performance.now();
for (let from = 0; from < runCount; from += 100_000) {
  db.transaction(() => {
    const after = db.prepare("SELECT coalesce(max(id), 0) FROM event_runs").pluck().get();
    seedRuns.run({ from, to: Math.min(runCount, from + 100_000) - 1, start: (now - span) / 1000, step: span / 1000 / runCount, events: eventCount });
    seedJobs.run(after);
    seedUsage.run(after);
  })();
}
const active = db.prepare("INSERT INTO event_runs (event_id, scheduled_for, trigger, status, created_at) VALUES (?, ?, 'manual', ?, ?)");
const activeJob = db.prepare("INSERT INTO job_queue (run_id, event_id, status, priority, run_at, created_at, updated_at) VALUES (?, ?, ?, 5, ?, ?, ?)");
db.transaction(() => {
  for (let i = 0; i < 40; i++) {
    const at = new Date(now - i * 1000).toISOString();
    const status = i < 4 ? "running" : "queued";
    const event = `event-${String(i + 1).padStart(5, "0")}`;
    activeJob.run(active.run(event, at, status, at).lastInsertRowid, event, status, at, at, at);
  }
})();
db.pragma("optimize");
const held = db.prepare("SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM event_runs) AS runs, (SELECT count(*) FROM event_runs WHERE status = 'failed') AS failed, (SELECT count(*) FROM token_usage) AS usage").get();
console.log(`store: ${count(held.events)} events, ${count(held.runs)} runs (${count(held.failed)} failed), ${count(held.usage)} token usage rows; seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

// Signed in as the page is: a named token exchanged for a session cookie.
const token = newApiToken();
await createApiToken(sqliteSql(db), { name: "bench", tokenHash: hashApiToken(token), createdAt: new Date(), expiresAt: null });
const app = await buildServer({ sql: sqliteSql(db), apiKey: "bench-admin", env: {}, uiDir: null });
const signIn = await app.inject({ method: "POST", url: "/api/session", payload: { token } });
if (signIn.statusCode !== 204) throw new Error(`sign-in: ${signIn.statusCode}`);
const cookie = String(signIn.headers["set-cookie"]).split(";", 1)[0];

const overview = ["/api/session", "/api/status", "/api/runs?status=failed&limit=100"];
const routes = [...overview, "/api/events?limit=100", "/api/queue", "/api/health"];
const get = async (url) => {
  const res = await app.inject({ url, headers: { cookie } });
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
  return res.body.length;
};
// Interleaved round by round, so a burst of load on the machine hits every route alike.
const samples = Object.fromEntries(routes.map((r) => [r, []]));
const totals = [];
const bytes = {};
for (let round = 0; round < 5 + 30; round++) {
  let total = 0;
  for (const url of routes) {
    const start = performance.now();
    bytes[url] = await get(url);
    const ms = performance.now() - start;
    if (overview.includes(url)) total += ms;
    if (round >= 5) samples[url].push(ms);
  }
  if (round >= 5) totals.push(total);
}
await app.close();
closeDatabase(db);

const health = stats(samples["/api/health"]).median;
table(
  ["route", "median ms", "p90 ms", "x /api/health", "response bytes"],
  routes.map((url) => {
    const s = stats(samples[url]);
    return [`${overview.includes(url) ? "overview " : ""}${url}`, s.median.toFixed(2), s.p90.toFixed(2), `${(s.median / health).toFixed(1)}x`, count(bytes[url])];
  }),
);
const overviewTotal = stats(totals);
console.log(`overview's calls, in total: median ${overviewTotal.median.toFixed(1)} ms, p90 ${overviewTotal.p90.toFixed(1)} ms (30 rounds after 5 warm-up)`);
goal("the overview's API calls with 10,000 events and 1,000,000 runs (median total)", overviewTotal.median, 300, " ms");

// The page as a browser downloads it: dist/ui, gzip level 9.
const ui = join(repoRoot, "dist", "ui");
const files = [join(ui, "index.html"), ...readdirSync(join(ui, "assets")).map((f) => join(ui, "assets", f))];
const raw = files.reduce((sum, f) => sum + readFileSync(f).length, 0);
const gzipped = files.reduce((sum, f) => sum + gzipSync(readFileSync(f), { level: 9 }).length, 0);
console.log(`\nui bundle (dist/ui, ${files.length} files): ${(raw / 1000).toFixed(1)} kB, ${(gzipped / 1000).toFixed(1)} kB gzipped (${((gzipped / 200_000) * 100).toFixed(0)}% of the goal)`);
goal("ui bundle gzipped", gzipped / 1000, 200, " kB");
