import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "../../controller/api/build-server.js";
import { ControllerMetrics } from "../../controller/api/metrics-registry.js";
import { reconcile } from "../../controller/reconcile/reconcile.js";
import { readEndedRun } from "../../controller/store/ended-run.js";
import { openDatabase } from "../../controller/store/open-database.js";
import { deleteRuns } from "../../controller/store/prune-runs.js";
import { sqliteSql } from "../../controller/store/sql/sqlite-sql.js";
import { StoreHealth } from "../../controller/store/store-health.js";
import { isolateGit, tempDir } from "../cli/helpers.js";
import { FakeClock } from "../support/fake-clock.js";
import { sample } from "../support/metric-sample.js";
import { planOf, recordStatements, tableScans } from "../support/query-plans.js";
import { gitWorkspace } from "../support/git-workspace.js";
import { baseWorkspace } from "../support/tree.js";

beforeAll(() => isolateGit());
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.();
});

const t0 = Date.parse("2026-11-23T10:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();
const auth = { authorization: "Bearer k-123" };

async function server() {
  const ws = gitWorkspace({
    ...baseWorkspace,
    "events/deploy.yaml": 'condition: {type: webhook, secret: "${HOOK_SECRET}"}\naction: {type: script, command: echo deployed}\n',
    "events/hourly.yaml": "condition: {type: interval, expr: 1h}\naction: {type: script, command: echo hourly}\n",
  });
  const path = join(tempDir(), "n.db");
  const db = openDatabase(path);
  const applied = await reconcile(sqliteSql(db), { dir: ws.dir, frameworkDir: null, now: new Date(t0) });
  expect(applied.result).toBe("applied");
  const clock = new FakeClock(t0 + 3_600_000);
  // As controller.ts does: one ControllerMetrics, fed as runs end, served by the API.
  const metrics = new ControllerMetrics(sqliteSql(db), () => clock.now());
  const app = await buildServer({ sql: sqliteSql(db), apiKey: "k-123", env: {}, clock, metrics });
  cleanup.push(() => void db.close(), () => app.close());
  return { db, app, metrics, path, revision: applied.revision };
}

/**
 * Runs of `hourly`: two successes (2 s and 40 s, started 1 s and 20 s late), one failure, one
 * queued; one success of `deploy`. The ended ones are reported to `metrics` as the pool reports
 * them to the controller; token usage is recorded as the workers record it.
 */
async function seed(db: Database, metrics?: ControllerMetrics): Promise<number[]> {
  const run = db.prepare(
    `INSERT INTO event_runs (event_id, scheduled_for, trigger, status, started_at, finished_at, duration_ms, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const job = db.prepare("INSERT INTO job_queue (run_id, event_id, status, run_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)");
  const ids: number[] = [];
  const add = async (event: string, trigger: string, status: string, at: number, lateMs: number | null, durationMs: number | null) => {
    const started = lateMs === null ? null : iso(at + lateMs);
    const id = Number(run.run(event, iso(at), trigger, status, started, durationMs === null ? null : iso(at + (lateMs ?? 0) + durationMs), durationMs, iso(at)).lastInsertRowid);
    job.run(id, event, status, iso(at), iso(at), iso(at));
    ids.push(id);
    const ended = await readEndedRun(sqliteSql(db), id);
    if (metrics && ended) metrics.runEnded(ended);
  };
  await add("hourly", "schedule", "success", t0, 1_000, 2_000);
  await add("hourly", "catchup", "success", t0 + 60_000, 20_000, 40_000);
  await add("hourly", "schedule", "failed", t0 + 120_000, 500, 700);
  await add("hourly", "schedule", "queued", t0 + 180_000, null, null);
  await add("deploy", "webhook", "success", t0, 0, 100);
  const usage = (model: string, input: number, output: number, cacheWrite: number, cacheRead: number, cost: number | null) =>
    // Seeded as recordUsage writes it (a statement, as this seed's runs and jobs are): recordUsage is asynchronous now.
    db
      .prepare(
        `INSERT INTO token_usage (run_id, event_id, agent, model, input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens, cost_usd, price_table_date, created_at)
         VALUES (1, 'hourly', 'helper', ?, ?, ?, ?, ?, ?, NULL, ?)`,
      )
      .run(model, input, output, cacheWrite, cacheRead, cost, iso(t0));
  usage("claude-sonnet-4-5", 1000, 200, 50, 300, 0.0123);
  usage("claude-sonnet-4-5", 500, 100, 0, 0, 0.0061);
  usage("unpriced-model", 10, 5, 0, 0, null);
  db.prepare("UPDATE events SET paused = 1 WHERE name = 'hourly'").run();
  return ids;
}

describe("GET /metrics", () => {
  it("needs the bearer token", async () => {
    const { app } = await server();
    expect((await app.inject("/metrics")).statusCode).toBe(401);
    expect((await app.inject({ url: "/metrics", headers: { authorization: "Bearer wrong" } })).statusCode).toBe(403);
  });

  it("serves runs as they ended and what waits or runs now, in the Prometheus text format", async () => {
    const { app, db, metrics, revision } = await server();
    const empty = await app.inject({ url: "/metrics", headers: auth });
    expect(empty.statusCode).toBe(200);
    expect(empty.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(sample(empty.body, 'nexaas_queue_jobs{state="queued"}')).toBe(0);

    await seed(db, metrics);
    const text = (await app.inject({ url: "/metrics", headers: auth })).body;
    for (const name of ["nexaas_runs", "nexaas_run_duration_seconds", "nexaas_schedule_lateness_seconds", "nexaas_queue_jobs", "nexaas_tokens_total", "nexaas_cost_usd_total", "nexaas_last_applied_revision_info", "nexaas_reconcile_last_result", "nexaas_paused_events"]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(sample(text, 'nexaas_runs{event="hourly",status="success"}')).toBe(2);
    expect(sample(text, 'nexaas_runs{event="hourly",status="failed"}')).toBe(1);
    expect(sample(text, 'nexaas_runs{event="hourly",status="queued"}')).toBe(1);
    expect(sample(text, 'nexaas_runs{event="deploy",status="success"}')).toBe(1);

    expect(text).toContain("# TYPE nexaas_run_duration_seconds histogram");
    expect(sample(text, 'nexaas_run_duration_seconds_bucket{le="1",event="hourly"}')).toBe(1);
    expect(sample(text, 'nexaas_run_duration_seconds_bucket{le="2.5",event="hourly"}')).toBe(2);
    expect(sample(text, 'nexaas_run_duration_seconds_bucket{le="30",event="hourly"}')).toBe(2);
    expect(sample(text, 'nexaas_run_duration_seconds_bucket{le="60",event="hourly"}')).toBe(3);
    expect(sample(text, 'nexaas_run_duration_seconds_bucket{le="+Inf",event="hourly"}')).toBe(3);
    expect(sample(text, 'nexaas_run_duration_seconds_count{event="hourly"}')).toBe(3);
    expect(sample(text, 'nexaas_run_duration_seconds_sum{event="hourly"}')).toBeCloseTo(42.7);

    // Lateness: schedule runs started 1 s and 0.5 s late; the catch-up one 20 s; webhook runs are not scheduled.
    expect(sample(text, 'nexaas_schedule_lateness_seconds_count{trigger="schedule"}')).toBe(2);
    expect(sample(text, 'nexaas_schedule_lateness_seconds_bucket{le="0.5",trigger="schedule"}')).toBe(1);
    expect(sample(text, 'nexaas_schedule_lateness_seconds_sum{trigger="schedule"}')).toBeCloseTo(1.5);
    expect(sample(text, 'nexaas_schedule_lateness_seconds_bucket{le="15",trigger="catchup"}')).toBe(0);
    expect(sample(text, 'nexaas_schedule_lateness_seconds_bucket{le="30",trigger="catchup"}')).toBe(1);
    expect(text).not.toContain('trigger="webhook"');

    expect(sample(text, 'nexaas_queue_jobs{state="queued"}')).toBe(1);
    expect(sample(text, 'nexaas_queue_jobs{state="success"}')).toBe(3);
    expect(sample(text, 'nexaas_queue_jobs{state="failed"}')).toBe(1);
    expect(sample(text, "nexaas_queue_ready_jobs")).toBe(1);

    expect(sample(text, 'nexaas_tokens_total{model="claude-sonnet-4-5",type="input"}')).toBe(1500);
    expect(sample(text, 'nexaas_tokens_total{model="claude-sonnet-4-5",type="output"}')).toBe(300);
    expect(sample(text, 'nexaas_tokens_total{model="claude-sonnet-4-5",type="cache_read"}')).toBe(300);
    expect(sample(text, 'nexaas_cost_usd_total{model="claude-sonnet-4-5"}')).toBeCloseTo(0.0184);
    expect(sample(text, 'nexaas_cost_usd_total{model="unpriced-model"}')).toBe(0);
    expect(sample(text, 'nexaas_model_calls_total{model="claude-sonnet-4-5"}')).toBe(2);

    expect(sample(text, `nexaas_last_applied_revision_info{revision="${revision}"}`)).toBe(1);
    expect(sample(text, 'nexaas_reconcile_last_result{result="applied"}')).toBe(1);
    expect(sample(text, 'nexaas_reconcile_last_result{result="invalid"}')).toBe(0);
    expect(sample(text, "nexaas_reconcile_last_applied_timestamp_seconds")).toBe(t0 / 1000);
    expect(sample(text, 'nexaas_events{condition="webhook"}')).toBe(1);
    expect(sample(text, "nexaas_paused_events")).toBe(1);

    // Scrapes are independent: a second one counts what changed, not twice the first.
    db.prepare("UPDATE events SET paused = 0").run();
    const again = (await app.inject({ url: "/metrics", headers: auth })).body;
    expect(sample(again, "nexaas_paused_events")).toBe(0);
    expect(sample(again, 'nexaas_runs{event="hourly",status="success"}')).toBe(2);
  });

  it("reads no history at scrape time: runs that ended before are not counted, and counts stay when retention deletes their rows", async () => {
    const { app, db, path } = await server();
    // History the metrics never saw end (another process, or before a restart): not replayed.
    const ids = await seed(db);
    const before = (await app.inject({ url: "/metrics", headers: auth })).body;
    expect(sample(before, 'nexaas_runs{event="hourly",status="success"}')).toBeUndefined();
    expect(sample(before, 'nexaas_runs{event="hourly",status="queued"}')).toBe(1);

    // A fresh connection prepares every statement anew: the scrape's statements each read an index or a small table.
    const fresh = openDatabase(path);
    cleanup.push(() => void fresh.close());
    const statements = recordStatements(fresh);
    const metrics = new ControllerMetrics(sqliteSql(fresh), () => new Date(t0));
    await metrics.scrape();
    expect(statements.length).toBeGreaterThan(5);
    for (const sql of statements) expect(tableScans(planOf(fresh, sql)), sql).toEqual([]);

    // Runs observed as they ended keep counting after retention deleted their rows.
    for (const id of ids) {
      const ended = await readEndedRun(sqliteSql(fresh), id);
      if (ended) metrics.runEnded(ended);
    }
    db.prepare("UPDATE job_queue SET status = 'cancelled' WHERE status = 'queued'").run();
    db.prepare("UPDATE event_runs SET status = 'cancelled' WHERE status = 'queued'").run();
    expect(await deleteRuns(sqliteSql(fresh), ids)).toBe(ids.length);
    expect(db.prepare("SELECT count(*) FROM event_runs").pluck().get()).toBe(0);
    const after = await metrics.scrape();
    expect(sample(after, 'nexaas_runs{event="hourly",status="success"}')).toBe(2);
    expect(sample(after, 'nexaas_run_duration_seconds_count{event="hourly"}')).toBe(3);
    expect(sample(after, 'nexaas_runs{event="hourly",status="queued"}')).toBeUndefined();
    // Token usage is billing history: kept, and its totals with it.
    expect(sample(after, 'nexaas_model_calls_total{model="claude-sonnet-4-5"}')).toBe(2);
  });

  it("passes promtool check metrics (when promtool is installed)", async () => {
    if (spawnSync("which", ["promtool"]).status !== 0) {
      console.warn("promtool not installed (Debian package prometheus): skipping the promtool check");
      return;
    }
    const { app, db, metrics } = await server();
    await seed(db, metrics);
    metrics.reconciled("applied", 0.2);
    const text = (await app.inject({ url: "/metrics", headers: auth })).body;
    const check = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    expect(check.stderr + check.stdout).toBe("");
    expect(check.status).toBe(0);
  });

  it("registers with its own registry: two servers in one process do not clash", async () => {
    const a = await server();
    const b = await server();
    expect((await a.app.inject({ url: "/metrics", headers: auth })).statusCode).toBe(200);
    expect((await b.app.inject({ url: "/metrics", headers: auth })).statusCode).toBe(200);
  });
});

describe("store faults in /metrics", () => {
  it("counts the faults the controller saw by code, and shows whether the store takes writes", async () => {
    const db = openDatabase(join(tempDir(), "n.db"));
    const health = new StoreHealth();
    const metrics = new ControllerMetrics(sqliteSql(db), () => new Date(t0), health);
    const scrape = () => metrics.registry.metrics();
    expect(await scrape()).toContain("nexaas_store_healthy 1");
    health.report({ kind: "transient", code: "SQLITE_BUSY", message: "database is locked" }, new Date(t0));
    health.report({ kind: "transient", code: "SQLITE_BUSY", message: "database is locked" }, new Date(t0));
    health.report({ kind: "transient", code: "SQLITE_FULL", message: "database or disk is full" }, new Date(t0));
    const faulted = await scrape();
    expect(faulted).toContain('nexaas_store_errors_total{code="SQLITE_BUSY"} 2');
    expect(faulted).toContain('nexaas_store_errors_total{code="SQLITE_FULL"} 1');
    expect(faulted).toContain("nexaas_store_healthy 0");
    health.recovered();
    expect(await scrape()).toContain("nexaas_store_healthy 1");
    db.close();
  });
});
