import { spawnSync } from "node:child_process";
import { Registry } from "prom-client";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "../../controller/api/build-server.js";
import { ControllerMetrics } from "../../controller/api/metrics-registry.js";
import { registerToolCallMetrics } from "../../controller/api/tool-call-metrics.js";
import type { Clock } from "../../controller/clock.js";
import { openDatabase } from "../../controller/store/open-database.js";
import { deleteRuns } from "../../controller/store/prune-runs.js";
import { recordRunStep } from "../../controller/store/run-steps.js";
import { sqliteSql } from "../../controller/store/sql/sqlite-sql.js";
import { isolateGit } from "../cli/helpers.js";
import { sample } from "../support/metric-sample.js";
import { planOf, recordStatements, tableScans } from "../support/query-plans.js";
import { hostileOutput, longInput, seededOrder, seedTranscript } from "../support/run-transcript.js";
import { apiFixture, auth, now } from "./fixture.js";

beforeAll(() => isolateGit());
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.();
});

async function fixture() {
  const f = await apiFixture();
  cleanup.push(() => f.close());
  return f;
}

describe("GET /api/runs/:id steps", () => {
  it("answers the run's stop_reason and its steps in run_steps' column names, as JSON (never HTML)", async () => {
    const { db, app } = await fixture();
    const runId = await seedTranscript(sqliteSql(db), "daily");
    const res = await app.inject({ url: `/api/runs/${runId}`, headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    const run = res.json<{ stop_reason: string; steps: Record<string, unknown>[]; status: string }>();
    expect(run).toMatchObject({ id: runId, status: "success", stop_reason: "end_turn", output: "No order 42." });
    expect(run.steps).toHaveLength(8);
    expect(run.steps.map((s) => [s.attempt, s.seq, s.kind, s.agent, s.depth])).toEqual(seededOrder);
    expect(run.steps[0]).toEqual({
      attempt: 1, seq: 1, kind: "turn", agent: "writer", depth: 0, model: "claude-sonnet-4-5", stop_reason: "tool_use",
      input_tokens: 1200, output_tokens: 80, cache_creation_input_tokens: 0, cache_read_input_tokens: 300, cost_usd: 0.0123,
      tool: null, server: null, input: null, output: "Reading the stock file.", is_error: null, duration_ms: 1500, started_at: "2026-11-23T09:00:00.000Z",
    });
    // The tool's output goes out as the JSON string it is: markup and escape sequences untouched, nothing rendered.
    expect(run.steps[4]).toMatchObject({ tool: "mcp__shop__lookup_order", server: "shop", input: longInput, output: hostileOutput, is_error: true, duration_ms: 120 });
    expect(run.steps[6]).toMatchObject({ tool: "nexaas__delegate_researcher", server: null, is_error: false });
  });

  it("answers steps: [] for a run without, and the list gains stop_reason but no steps", async () => {
    const { db, app } = await fixture();
    const runId = await seedTranscript(sqliteSql(db), "daily");
    const plain = Number(db.prepare("INSERT INTO event_runs (event_id, scheduled_for, status, created_at) VALUES ('tick', ?, 'queued', ?)").run(now.toISOString(), now.toISOString()).lastInsertRowid);
    expect((await app.inject({ url: `/api/runs/${plain}`, headers: auth })).json()).toMatchObject({ stop_reason: null, steps: [] });
    const page = (await app.inject({ url: "/api/runs", headers: auth })).json<{ runs: Record<string, unknown>[] }>();
    expect(page.runs.map((r) => [r.id, r.stop_reason])).toEqual([[plain, null], [runId, "end_turn"]]);
    for (const r of page.runs) expect(r).not.toHaveProperty("steps");
  });
});

describe("tool calls in /metrics", () => {
  it("counts tool calls by server, tool and status and observes their durations, from the steps written since the metrics started", async () => {
    const { db } = await fixture();
    // History before the metrics existed is not replayed (as for runs).
    await seedTranscript(sqliteSql(db), "daily");
    const metrics = new ControllerMetrics(sqliteSql(db), () => now);
    const served = await buildServer({ sql: sqliteSql(db), apiKey: "k", env: {}, clock: { now: () => now } as Clock, metrics });
    cleanup.push(() => served.close());
    const scrape = async () => (await served.inject({ url: "/metrics", headers: { authorization: "Bearer k" } })).body;
    const before = await scrape();
    expect(before).toContain("# TYPE nexaas_tool_calls_total counter");
    expect(before).toContain("# TYPE nexaas_tool_call_duration_seconds histogram");
    expect(before).not.toContain('tool="mcp__');

    // Steps written by a worker on another connection (as another process would).
    const worker = openDatabase(db.name);
    cleanup.push(() => void worker.close());
    await seedTranscript(sqliteSql(worker), "daily");
    await seedTranscript(sqliteSql(worker), "daily");
    const text = await scrape();
    expect(sample(text, 'nexaas_tool_calls_total{server="files",tool="mcp__files__read_file",status="ok"}')).toBe(2);
    expect(sample(text, 'nexaas_tool_calls_total{server="shop",tool="mcp__shop__lookup_order",status="error"}')).toBe(2);
    expect(sample(text, 'nexaas_tool_calls_total{server="shop",tool="mcp__shop__lookup_order",status="ok"}')).toBeUndefined();
    // Built-in tools have the empty server.
    expect(sample(text, 'nexaas_tool_calls_total{server="",tool="nexaas__delegate_researcher",status="ok"}')).toBe(2);
    expect(sample(text, 'nexaas_tool_call_duration_seconds_bucket{le="0.05",server="files",tool="mcp__files__read_file"}')).toBe(2);
    expect(sample(text, 'nexaas_tool_call_duration_seconds_bucket{le="0.1",server="shop",tool="mcp__shop__lookup_order"}')).toBe(0);
    expect(sample(text, 'nexaas_tool_call_duration_seconds_bucket{le="0.25",server="shop",tool="mcp__shop__lookup_order"}')).toBe(2);
    expect(sample(text, 'nexaas_tool_call_duration_seconds_count{server="",tool="nexaas__delegate_researcher"}')).toBe(2);
    expect(sample(text, 'nexaas_tool_call_duration_seconds_sum{server="",tool="nexaas__delegate_researcher"}')).toBeCloseTo(1.7);
    // Turns are not tool calls.
    expect(text).not.toMatch(/nexaas_tool_calls_total\{[^}]*tool="null"/);

    if (spawnSync("which", ["promtool"]).status === 0) {
      const check = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
      expect(check.stderr + check.stdout).toBe("");
    }

    // A scrape counts only what is new; retention deleting the runs changes no count.
    const again = await scrape();
    expect(sample(again, 'nexaas_tool_calls_total{server="files",tool="mcp__files__read_file",status="ok"}')).toBe(2);
    const ids = db.prepare("SELECT id FROM event_runs").pluck().all() as number[];
    expect(await deleteRuns(sqliteSql(db), ids)).toBe(3);
    expect(sample(await scrape(), 'nexaas_tool_calls_total{server="shop",tool="mcp__shop__lookup_order",status="error"}')).toBe(2);
  });

  it("reads at most a batch of steps per scrape, by primary key, and caps the distinct tools", async () => {
    const { db } = await fixture();
    const registry = new Registry();
    const statements = recordStatements(db);
    registerToolCallMetrics(sqliteSql(db), [registry], { batch: 3, maxSeries: 2 });
    const runId = await seedTranscript(sqliteSql(db), "daily");
    // Steps 1-3: one tool call (read_file); 4-6: lookup_order; 7-8: the delegation.
    const first = await registry.metrics();
    expect(first).toMatch(/nexaas_tool_calls_total\{server="files",tool="mcp__files__read_file",status="ok"\} 1/);
    expect(first).not.toContain("mcp__shop__lookup_order");
    await registry.metrics();
    const third = await registry.metrics();
    expect(third).toContain('nexaas_tool_calls_total{server="shop",tool="mcp__shop__lookup_order",status="error"} 1');
    // The third distinct tool is past maxSeries: counted, under _other.
    expect(third).toContain('nexaas_tool_calls_total{server="_other",tool="_other",status="ok"} 1');
    expect(third).not.toContain("nexaas__delegate_researcher");
    await recordRunStep(sqliteSql(db), { runId, attempt: 3, agent: "writer", depth: 0, kind: "tool_call", tool: "mcp__files__read_file", server: "files", input: "{}", output: "", isError: false, startedAt: now, durationMs: 5 });
    expect(await registry.metrics()).toContain('nexaas_tool_calls_total{server="files",tool="mcp__files__read_file",status="ok"} 2');
    expect(statements.length).toBeGreaterThan(0);
    for (const sql of statements) expect(tableScans(planOf(db, sql)), sql).toEqual([]);
  });
});
