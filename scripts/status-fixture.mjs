// A controller's status page over a seeded store, for the browser tests (test/browser/) and the
// README's screenshot (scripts/screenshot-status.mjs). It runs the built package (dist/: the
// server and dist/ui, so `npm run build` first): a git workspace reconciled twice (applied, then
// refused) into a real SQLite file, runs (a failed one with its error, an agent run with its
// transcript, a script whose output holds markup), queued and running jobs, a week of token
// usage, two named tokens (one revoked), and the API on 127.0.0.1, port 0.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const load = (path) => import(pathToFileURL(join(repoRoot, "dist", "controller", path)).href);

/** Output a browser would act on if the page rendered it as HTML. */
export const hostileOutput = "stock export: 3 rows\n<script>alert(1)</script>\n<img src=x onerror=alert(1)>";
export const failedRunError = "exit code 2: stock export missing (scripts/stock.sh line 14)";
export const transcriptText = "Reading the stock file before the report.";
export const dailyBudgetUsd = 5;

const hour = 3_600_000;
const day = 24 * hour;

const workspace = {
  "nexaas.yaml": `name: shop-ops\ntimezone: UTC\ndefaults:\n  agent: writer\nbudget:\n  daily_usd: ${dailyBudgetUsd}\n`,
  "agents/writer/config.yaml": "description: Writes the morning report.\nmodel: claude-sonnet-4-5\n",
  "agents/writer/prompt.md": "You write short reports.\n",
  "events/daily-report.yaml": "condition: {type: cron, expr: '0 9 * * *'}\naction: {type: claude_chat, agent: writer, prompt: Write the report.}\ndescription: The morning report.\n",
  "events/low-stock-check.yaml": "condition: {type: interval, expr: 1h}\naction: {type: script, command: scripts/stock.sh}\n",
  "events/export-orders.yaml": "condition: {type: interval, expr: 6h}\naction: {type: script, command: echo exported}\n",
  "events/weekly-digest.yaml": "condition: {type: cron, expr: '0 8 * * 1'}\naction: {type: claude_chat, agent: writer, prompt: Sum up the week.}\n",
  "events/old-import.yaml": "condition: {type: interval, expr: 1d}\naction: {type: script, command: echo import}\nenabled: false\n",
};

function git(dir, ...args) {
  execFileSync("git", ["-c", "user.name=nexaas", "-c", "user.email=nexaas@example.invalid", ...args], { cwd: dir, stdio: "ignore" });
}

function writeFiles(dir, files) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/**
 * Seeds a new store at `dbPath` from a workspace written under `dir`. Times are relative to
 * `now` (the browser's clock decides "today" and "the last 24 hours", so it is the real now).
 */
export async function seedStatusStore(dir, dbPath, now = new Date()) {
  const { openDatabase } = await load("store/open-database.js");
  const { reconcile } = await load("reconcile/reconcile.js");
  const { recordRunStep } = await load("store/run-steps.js");
  const { createApiToken } = await load("store/create-api-token.js");
  const { revokeApiToken } = await load("store/revoke-api-token.js");
  const { hashApiToken, newApiToken } = await load("api/api-token.js");
  const { sqliteSql } = await load("store/sql/sqlite-sql.js");

  const ws = join(dir, "workspace");
  writeFiles(ws, workspace);
  git(ws, "init", "-q", "-b", "main");
  git(ws, "add", "-A");
  git(ws, "commit", "-qm", "the shop's automations");
  const db = openDatabase(dbPath);
  const t = (ms) => new Date(now.getTime() - ms);
  const applied = await reconcile(sqliteSql(db), { dir: ws, frameworkDir: null, now: t(3 * hour) });
  if (applied.result !== "applied") throw new Error(`status fixture: reconcile ${applied.result}`);
  // A later commit with a bad cron expression: refused, so the overview shows why.
  writeFiles(ws, { "events/daily-report.yaml": "condition: {type: cron, expr: '0 25 * * *'}\naction: {type: claude_chat, agent: writer, prompt: Write the report.}\n" });
  git(ws, "commit", "-qam", "report at 25h");
  const refused = await reconcile(sqliteSql(db), { dir: ws, frameworkDir: null, now: t(10 * 60_000) });
  if (refused.result !== "invalid") throw new Error(`status fixture: second reconcile ${refused.result}`);
  db.prepare("UPDATE events SET paused = 1, paused_reason = '3 failures in a row', paused_at = ?, consecutive_failures = 3 WHERE name = 'weekly-digest'").run(t(day).toISOString());

  const insertRun = db.prepare(
    `INSERT INTO event_runs (event_id, scheduled_for, trigger, status, attempt, started_at, finished_at, duration_ms, output, error, stop_reason, created_at)
     VALUES (@event, @at, @trigger, @status, @attempt, @started, @finished, @duration, @output, @error, @stop, @at)`,
  );
  const insertJob = db.prepare(
    `INSERT INTO job_queue (run_id, event_id, status, priority, run_at, attempts, created_at, updated_at) VALUES (?, ?, ?, 5, ?, ?, ?, ?)`,
  );
  const run = (event, agoMs, status, extra = {}) => {
    const at = t(agoMs).toISOString();
    const done = status !== "queued" && status !== "running";
    const id = Number(
      insertRun.run({
        event,
        at,
        trigger: "schedule",
        status,
        attempt: status === "queued" ? 0 : 1,
        started: status === "queued" ? null : at,
        finished: done ? t(agoMs - 1500).toISOString() : null,
        duration: done ? 1500 : null,
        output: null,
        error: null,
        stop: null,
        ...extra,
      }).lastInsertRowid,
    );
    insertJob.run(id, event, status, at, status === "queued" ? 0 : 1, at, at);
    return id;
  };

  const usage = db.prepare(
    `INSERT INTO token_usage (run_id, event_id, agent, model, input_tokens, output_tokens, cache_read_input_tokens, cost_usd, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const ids = db.transaction(() => {
    // A week of hourly stock checks and daily reports, all fine.
    for (let h = 7 * 24; h >= 4; h--) run("low-stock-check", h * hour, "success", { output: `${h % 9} items low` });
    for (let d = 7; d >= 1; d--) {
      const id = run("daily-report", d * day, "success", { output: "Report sent.", stop: "end_turn" });
      usage.run(id, "daily-report", "writer", "claude-sonnet-4-5", 18_000 + d * 1_000, 1_200, 4_000, 0.4 + d * 0.05, t(d * day).toISOString());
      usage.run(id, "daily-report", "writer", "claude-haiku-4-5", 6_000, 400, 0, 0.02 * d, t(d * day - 60_000).toISOString());
    }
    const failed = run("low-stock-check", 3 * hour, "failed", { attempt: 3, error: failedRunError });
    const hostile = run("export-orders", 2 * hour, "success", { output: hostileOutput });
    const transcript = run("daily-report", 90 * 60_000, "success", { output: "No order 42 in the export.", stop: "end_turn", attempt: 1 });
    run("low-stock-check", 60_000, "running");
    run("export-orders", -5 * 60_000, "queued");
    run("low-stock-check", 0, "queued");
    // Today's spend: between UTC midnight and now, whatever the hour.
    const today = (share) => new Date(midnight + (now.getTime() - midnight) * share).toISOString();
    usage.run(transcript, "daily-report", "writer", "claude-sonnet-4-5", 2_100, 140, 300, 0.0159, today(0.5));
    usage.run(transcript, "daily-report", "writer", "claude-haiku-4-5", 700, 30, 0, null, today(0.6));
    usage.run(null, null, "writer", "claude-sonnet-4-5", 40_000, 2_500, 10_000, 1.2341, today(0.9));
    return { failed, hostile, transcript };
  })();

  const agent = { runId: ids.transcript, agent: "writer", depth: 0 };
  const at = (ms) => t(90 * 60_000 - ms);
  const tokens = (input, output) => ({ input_tokens: input, output_tokens: output, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
  await recordRunStep(sqliteSql(db), { ...agent, attempt: 1, kind: "turn", model: "claude-sonnet-4-5", stopReason: "tool_use", text: transcriptText, usage: tokens(1_200, 80), costUsd: 0.0123, startedAt: at(0), durationMs: 1500 });
  await recordRunStep(sqliteSql(db), { ...agent, attempt: 1, kind: "tool_call", tool: "mcp__files__read_file", server: "files", input: '{"path":"exports/stock.csv"}', output: "sku,qty\nA1,3\n<img src=x onerror=alert(1)>", isError: false, startedAt: at(1500), durationMs: 35 });
  await recordRunStep(sqliteSql(db), { ...agent, attempt: 1, kind: "turn", model: "claude-sonnet-4-5", stopReason: "end_turn", text: "No order 42 in the export.", usage: tokens(900, 60), costUsd: 0.0036, startedAt: at(1600), durationMs: 800 });

  const token = newApiToken();
  await createApiToken(sqliteSql(db), { name: "ops-laptop", tokenHash: hashApiToken(token), createdAt: now, expiresAt: new Date(now.getTime() + 90 * day) });
  const revoked = newApiToken();
  await createApiToken(sqliteSql(db), { name: "old-laptop", tokenHash: hashApiToken(revoked), createdAt: t(30 * day), expiresAt: null });
  await revokeApiToken(sqliteSql(db), "old-laptop", t(day));
  return { db, tokens: { good: token, revoked }, runs: ids };
}

/** The seeded store behind a listening API that serves dist/ui. `close()` stops it and removes the files. */
export async function startStatusFixture({ now = new Date() } = {}) {
  const { buildServer } = await load("api/build-server.js");
  const { sqliteSql } = await load("store/sql/sqlite-sql.js");
  const dir = mkdtempSync(join(tmpdir(), "nexaas-status-"));
  const dbPath = join(dir, "nexaas.db");
  const seeded = await seedStatusStore(dir, dbPath, now);
  const app = await buildServer({ sql: sqliteSql(seeded.db), apiKey: "status-fixture-admin-key", env: {}, uiDir: join(repoRoot, "dist", "ui") });
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  return {
    ...seeded,
    url,
    dir,
    dbPath,
    async close() {
      await app.close();
      seeded.db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
