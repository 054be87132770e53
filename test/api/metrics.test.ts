import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "../../controller/api/build-server.js";
import { reconcile } from "../../controller/reconcile/reconcile.js";
import { openDatabase } from "../../controller/store/open-database.js";
import { isolateGit, tempDir } from "../cli/helpers.js";
import { FakeClock } from "../support/fake-clock.js";
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
  const db = openDatabase(join(tempDir(), "n.db"));
  const applied = await reconcile(db, { dir: ws.dir, frameworkDir: null, now: new Date(t0) });
  expect(applied.result).toBe("applied");
  const app = await buildServer({ db, apiKey: "k-123", env: {}, clock: new FakeClock(t0 + 3_600_000) });
  cleanup.push(() => void db.close(), () => app.close());
  return { db, app, revision: applied.revision };
}

/** Runs of `hourly`: two successes (2 s and 40 s, started 1 s and 20 s late), one failure, one queued. */
function seed(db: Database): void {
  const run = db.prepare(
    `INSERT INTO event_runs (event_id, scheduled_for, trigger, status, started_at, finished_at, duration_ms, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const job = db.prepare("INSERT INTO job_queue (run_id, event_id, status, run_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)");
  const add = (event: string, trigger: string, status: string, at: number, lateMs: number | null, durationMs: number | null) => {
    const started = lateMs === null ? null : iso(at + lateMs);
    const id = run.run(event, iso(at), trigger, status, started, durationMs === null ? null : iso(at + (lateMs ?? 0) + durationMs), durationMs, iso(at)).lastInsertRowid;
    job.run(id, event, status, iso(at), iso(at), iso(at));
  };
  add("hourly", "schedule", "success", t0, 1_000, 2_000);
  add("hourly", "catchup", "success", t0 + 60_000, 20_000, 40_000);
  add("hourly", "schedule", "failed", t0 + 120_000, 500, 700);
  add("hourly", "schedule", "queued", t0 + 180_000, null, null);
  add("deploy", "webhook", "success", t0, 0, 100);
  const usage = db.prepare(
    `INSERT INTO token_usage (run_id, event_id, agent, model, input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens, cost_usd, created_at)
     VALUES (1, 'hourly', 'helper', ?, ?, ?, ?, ?, ?, ?)`,
  );
  usage.run("claude-sonnet-4-5", 1000, 200, 50, 300, 0.0123, iso(t0));
  usage.run("claude-sonnet-4-5", 500, 100, 0, 0, 0.0061, iso(t0));
  usage.run("unpriced-model", 10, 5, 0, 0, null, iso(t0));
  db.prepare("UPDATE events SET paused = 1 WHERE name = 'hourly'").run();
}

/** The value of one sample line, by its full name and labels as printed. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("GET /metrics", () => {
  it("needs the bearer token", async () => {
    const { app } = await server();
    expect((await app.inject("/metrics")).statusCode).toBe(401);
    expect((await app.inject({ url: "/metrics", headers: { authorization: "Bearer wrong" } })).statusCode).toBe(403);
  });

  it("serves the Prometheus text format, read from the database at scrape time", async () => {
    const { app, db, revision } = await server();
    const empty = await app.inject({ url: "/metrics", headers: auth });
    expect(empty.statusCode).toBe(200);
    expect(empty.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(sample(empty.body, 'nexaas_queue_jobs{state="queued"}')).toBe(0);

    seed(db);
    const text = (await app.inject({ url: "/metrics", headers: auth })).body;
    for (const name of ["nexaas_runs", "nexaas_run_duration_seconds", "nexaas_schedule_lateness_seconds", "nexaas_queue_jobs", "nexaas_tokens_total", "nexaas_cost_usd_total", "nexaas_last_applied_revision_info", "nexaas_reconcile_last_result", "nexaas_paused_events"]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(sample(text, 'nexaas_runs{event="hourly",status="success"}')).toBe(2);
    expect(sample(text, 'nexaas_runs{event="hourly",status="failed"}')).toBe(1);
    expect(sample(text, 'nexaas_runs{event="deploy",status="success"}')).toBe(1);

    expect(text).toContain("# TYPE nexaas_run_duration_seconds histogram");
    expect(sample(text, 'nexaas_run_duration_seconds_bucket{event="hourly",le="1"}')).toBe(1);
    expect(sample(text, 'nexaas_run_duration_seconds_bucket{event="hourly",le="2.5"}')).toBe(2);
    expect(sample(text, 'nexaas_run_duration_seconds_bucket{event="hourly",le="30"}')).toBe(2);
    expect(sample(text, 'nexaas_run_duration_seconds_bucket{event="hourly",le="60"}')).toBe(3);
    expect(sample(text, 'nexaas_run_duration_seconds_bucket{event="hourly",le="+Inf"}')).toBe(3);
    expect(sample(text, 'nexaas_run_duration_seconds_count{event="hourly"}')).toBe(3);
    expect(sample(text, 'nexaas_run_duration_seconds_sum{event="hourly"}')).toBeCloseTo(42.7);

    // Lateness: schedule runs started 1 s and 0.5 s late; the catch-up one 20 s; webhook runs are not scheduled.
    expect(sample(text, 'nexaas_schedule_lateness_seconds_count{trigger="schedule"}')).toBe(2);
    expect(sample(text, 'nexaas_schedule_lateness_seconds_bucket{trigger="schedule",le="0.5"}')).toBe(1);
    expect(sample(text, 'nexaas_schedule_lateness_seconds_sum{trigger="schedule"}')).toBeCloseTo(1.5);
    expect(sample(text, 'nexaas_schedule_lateness_seconds_bucket{trigger="catchup",le="15"}')).toBe(0);
    expect(sample(text, 'nexaas_schedule_lateness_seconds_bucket{trigger="catchup",le="30"}')).toBe(1);
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

    // Scrapes are independent: a second one after more rows counts them, not twice the first.
    db.prepare("UPDATE events SET paused = 0").run();
    const again = (await app.inject({ url: "/metrics", headers: auth })).body;
    expect(sample(again, "nexaas_paused_events")).toBe(0);
    expect(sample(again, 'nexaas_runs{event="hourly",status="success"}')).toBe(2);
  });

  it("passes promtool check metrics (when promtool is installed)", async () => {
    if (spawnSync("which", ["promtool"]).status !== 0) {
      console.warn("promtool not installed (Debian package prometheus): skipping the promtool check");
      return;
    }
    const { app, db } = await server();
    seed(db);
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
