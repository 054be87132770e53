// The reads of the status API and the CLI on both store backends (issue 16): the same rows,
// written with plain INSERTs, read back alike from SQLite and PostgreSQL.
import { describe, expect, it } from "vitest";
import { createApiSession } from "../../controller/store/create-api-session.js";
import { createApiToken } from "../../controller/store/create-api-token.js";
import { deleteApiSession } from "../../controller/store/delete-api-session.js";
import { findApiSession } from "../../controller/store/find-api-session.js";
import { findApiToken } from "../../controller/store/find-api-token.js";
import { lastRuns } from "../../controller/store/last-runs.js";
import { listApiTokens } from "../../controller/store/list-api-tokens.js";
import { listEvents } from "../../controller/store/list-events.js";
import { listRevisions } from "../../controller/store/list-revisions.js";
import { listRuns, readRun } from "../../controller/store/list-runs.js";
import { activeRunCounts, eventsByCondition, pausedEventCount, usageTotals } from "../../controller/store/metric-counts.js";
import { pruneApiSessions } from "../../controller/store/prune-api-sessions.js";
import { revokeApiToken } from "../../controller/store/revoke-api-token.js";
import { readRunStepsJson } from "../../controller/store/run-step-json.js";
import { lastRunStepId, stepsAfter } from "../../controller/store/run-steps-after.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import { statusCounts } from "../../controller/store/status-counts.js";
import { touchApiToken } from "../../controller/store/touch-api-token.js";
import { usageBetween } from "../../controller/store/usage-between.js";
import { usageSummary } from "../../controller/store/usage-summary.js";
import { fileStoreBackends } from "../support/store-backends.js";

const now = new Date("2026-11-23T12:00:00.000Z");

/** An event row as the applier writes one; the generated columns (agent, condition_type, enabled, expires_at...) follow from `spec`. */
async function insertEventRow(sql: Sql, name: string, spec: Record<string, unknown>, state: { next_fire_at?: string; paused?: number; last_fired_at?: string } = {}): Promise<void> {
  await sql.run(
    `INSERT INTO events (name, layer, revision, digest, file, spec, condition_digest, next_fire_at, last_fired_at, paused, created_at, updated_at)
     VALUES (@name, 'workspace', 'r1', 'd', @file, @spec, 'c', @next, @last, @paused, @at, @at)`,
    { name, file: `events/${name}.yaml`, spec: JSON.stringify(spec), next: state.next_fire_at ?? null, last: state.last_fired_at ?? null, paused: state.paused ?? 0, at: now.toISOString() },
  );
}

const cron = (extra: Record<string, unknown> = {}) => ({
  condition: { type: "cron", expr: "0 9 * * *", timezone: "UTC" },
  action: { type: "claude_chat", prompt: "hi" },
  agent: "helper",
  ...extra,
});

async function seedEvents(sql: Sql): Promise<void> {
  await insertEventRow(sql, "alpha", cron({ description: "Morning brief" }), { next_fire_at: "2026-11-24T09:00:00.000Z" });
  await insertEventRow(sql, "bravo", cron({ enabled: false }));
  await insertEventRow(sql, "charlie", cron({ policy: { expires_at: "2026-11-23T11:59:59Z" } }));
  await insertEventRow(sql, "delta", cron(), { paused: 1 });
  await insertEventRow(sql, "echo", { condition: { type: "interval", expr: 90 }, action: { type: "script", command: "echo" } }, { next_fire_at: "2026-11-23T12:01:30.000Z" });
  await insertEventRow(sql, "foxtrot", { condition: { type: "once", expr: "2026-11-23T10:00:00Z" }, action: { type: "script", command: "echo" } }, { last_fired_at: "2026-11-23T10:00:00.000Z" });
}

async function insertRun(sql: Sql, event: string, scheduled: string, status: string, more: { trigger?: string; output?: string; payload?: string } = {}): Promise<number> {
  const row = await sql.get<{ id: number }>(
    `INSERT INTO event_runs (event_id, scheduled_for, trigger, status, payload, output, created_at) VALUES (@event, @scheduled, @trigger, @status, @payload, @output, @scheduled) RETURNING id`,
    { event, scheduled, trigger: more.trigger ?? "schedule", status, payload: more.payload ?? null, output: more.output ?? null },
  );
  if (!row) throw new Error("no run id");
  return row.id;
}

async function insertUsage(sql: Sql, row: { model: string; agent?: string; event?: string; input?: number; output?: number; cost: number | null; at: string }): Promise<void> {
  await sql.run(
    `INSERT INTO token_usage (model, agent, event_id, input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens, cost_usd, created_at)
     VALUES (@model, @agent, @event, @input, @output, 1, 2, @cost, @at)`,
    { model: row.model, agent: row.agent ?? null, event: row.event ?? null, input: row.input ?? 10, output: row.output ?? 5, cost: row.cost, at: row.at },
  );
}

describe.each(fileStoreBackends())("the API's reads on $name", ({ missing, open }) => {
  if (missing) console.warn(`test/store/read-models-backends: postgres cases skipped, ${missing}`);
  const test = missing ? (title: string, _body: () => Promise<void>) => it.skip(`${title} (needs PostgreSQL: ${missing})`, () => {}) : it;

  test("listEvents: status at now, the SPEC §10 shape, filters and pages", async () => {
    const { sql } = await open();
    await seedEvents(sql);
    const all = await listEvents(sql, now);
    expect(all.map((e) => [e.id, e.status])).toEqual([
      ["alpha", "active"],
      ["bravo", "disabled"],
      ["charlie", "expired"],
      ["delta", "paused"],
      ["echo", "active"],
      ["foxtrot", "expired"],
    ]);
    expect(all[0]).toEqual({
      id: "alpha",
      status: "active",
      agent: "helper",
      layer: "workspace",
      condition: { type: "cron", expr: "0 9 * * *", timezone: "UTC" },
      condition_spec: { type: "cron", expr: "0 9 * * *", timezone: "UTC" },
      next_fire_at: "2026-11-24T09:00:00.000Z",
      consecutive_failures: 0,
      paused_reason: null,
      description: "Morning brief",
      enabled: true,
      origin: "events",
      file: "events/alpha.yaml",
    });
    expect((await listEvents(sql, now, { id: "echo" }))[0]?.condition).toEqual({ type: "interval", expr: 90, timezone: null });
    expect((await listEvents(sql, now, { status: "expired" })).map((e) => e.id)).toEqual(["charlie", "foxtrot"]);
    expect((await listEvents(sql, now, { agent: "helper", status: "active" })).map((e) => e.id)).toEqual(["alpha"]);
    expect((await listEvents(sql, now, { after: "bravo", limit: 2 })).map((e) => e.id)).toEqual(["charlie", "delta"]);
    expect(await listEvents(sql, now, { id: "nope" })).toEqual([]);
  });

  test("listEvents reads past its batch of rows, and stops at the limit", async () => {
    const { sql } = await open();
    for (let i = 0; i < 450; i++) await insertEventRow(sql, `e${String(i).padStart(3, "0")}`, cron({ enabled: i % 3 !== 0 }));
    const active = await listEvents(sql, now, { status: "active" });
    expect(active).toHaveLength(300);
    expect(active.at(-1)?.id).toBe("e449");
    expect((await listEvents(sql, now, { status: "disabled", limit: 100 })).map((e) => e.id).at(-1)).toBe("e297");
  });

  test("listRuns, readRun and lastRuns: newest first, filtered, paged by id", async () => {
    const { sql } = await open();
    const a = await insertRun(sql, "alpha", "2026-11-23T01:00:00.000Z", "success", { output: "ok" });
    const b = await insertRun(sql, "alpha", "2026-11-23T02:00:00.000Z", "failed");
    const c = await insertRun(sql, "bravo", "2026-11-23T03:00:00.000Z", "failed", { trigger: "webhook", payload: '{"x":1}' });
    const d = await insertRun(sql, "alpha", "2026-11-23T04:00:00.000Z", "queued");
    expect((await listRuns(sql, { limit: 10 })).map((r) => r.id)).toEqual([d, c, b, a]);
    expect((await listRuns(sql, { status: "failed", limit: 10 })).map((r) => r.id)).toEqual([c, b]);
    expect((await listRuns(sql, { eventId: "alpha", before: d, limit: 1 })).map((r) => r.id)).toEqual([b]);
    expect(await readRun(sql, c)).toEqual({
      id: c,
      event_id: "bravo",
      status: "failed",
      attempt: 0,
      scheduled_for: "2026-11-23T03:00:00.000Z",
      started_at: null,
      finished_at: null,
      duration_ms: null,
      output: null,
      error: null,
      trigger: "webhook",
      stop_reason: null,
      payload: '{"x":1}',
    });
    expect(await readRun(sql, 999)).toBeUndefined();
    expect((await lastRuns(sql, "alpha", 2)).map((r) => [r.id, r.status])).toEqual([
      [d, "queued"],
      [b, "failed"],
    ]);
  });

  test("listRevisions: newest first, errors parsed, paged", async () => {
    const { sql } = await open();
    const error = { file: "events/x.yaml", line: 1, column: 1, rule: "schema", message: "bad", severity: "error" };
    for (const [revision, result, at, errors] of [
      ["a1", "applied", "2026-11-23T09:00:00.000Z", "[]"],
      ["b2", "invalid", "2026-11-23T09:10:00.000Z", JSON.stringify([error])],
      [null, "error", "2026-11-23T09:20:00.000Z", "[]"],
    ] as const) {
      await sql.run("INSERT INTO reconcile_history (revision, result, at, errors) VALUES (?, ?, ?, ?)", [revision, result, at, errors]);
    }
    const page = await listRevisions(sql, { limit: 2 });
    expect(page.map((r) => [r.revision, r.result, r.errors.length])).toEqual([
      [null, "error", 0],
      ["b2", "invalid", 1],
    ]);
    expect((await listRevisions(sql, { before: page[1]?.id, limit: 5 })).map((r) => r.revision)).toEqual(["a1"]);
  });

  test("usageBetween and usageSummary: sums by model, agent, event and day; unpriced calls counted, never costed", async () => {
    const { sql } = await open();
    await insertUsage(sql, { model: "claude-a", agent: "helper", event: "alpha", cost: 0.1, at: "2026-11-22T23:00:00.000Z" });
    await insertUsage(sql, { model: "claude-a", agent: "helper", event: "alpha", cost: 0.1, at: "2026-11-23T01:00:00.000Z" });
    await insertUsage(sql, { model: "claude-a", agent: "writer", event: "bravo", cost: 0.2, at: "2026-11-23T02:00:00.000Z" });
    await insertUsage(sql, { model: "mystery", cost: null, input: 7, output: 3, at: "2026-11-23T03:00:00.000Z" });
    const since = new Date("2026-11-23T00:00:00.000Z");
    const totals = (input: number, output: number, calls: number, cost: number, unpriced: number) => ({
      input_tokens: input,
      output_tokens: output,
      cache_creation_input_tokens: calls,
      cache_read_input_tokens: 2 * calls,
      cost_usd: cost,
      unpriced_calls: unpriced,
    });
    const summary = await usageSummary(sql, since);
    expect(summary).toEqual({
      since: "2026-11-23T00:00:00.000Z",
      until: null,
      total: totals(27, 13, 3, 0.3, 1),
      by_model: [
        { model: "claude-a", ...totals(20, 10, 2, 0.3, 0) },
        { model: "mystery", ...totals(7, 3, 1, 0, 1) },
      ],
      by_agent: [
        { agent: "writer", ...totals(10, 5, 1, 0.2, 0) },
        { agent: "helper", ...totals(10, 5, 1, 0.1, 0) },
        { agent: null, ...totals(7, 3, 1, 0, 1) },
      ],
      by_event: [
        { event: "bravo", ...totals(10, 5, 1, 0.2, 0) },
        { event: "alpha", ...totals(10, 5, 1, 0.1, 0) },
        { event: null, ...totals(7, 3, 1, 0, 1) },
      ],
      by_day: [{ day: "2026-11-23", ...totals(27, 13, 3, 0.3, 1) }],
    });
    const nothing = await usageBetween(sql, new Date("2026-11-24T00:00:00.000Z"), null);
    expect(nothing.total).toEqual(totals(0, 0, 0, 0, 0));
    expect(nothing.by_model).toEqual([]);
    expect((await usageBetween(sql, new Date("2026-11-22T00:00:00.000Z"), since)).total).toEqual(totals(10, 5, 1, 0.1, 0));
  });

  test("the metrics' counts: active runs, usage totals, events by condition, paused events", async () => {
    const { sql } = await open();
    await seedEvents(sql);
    await insertRun(sql, "alpha", "2026-11-23T01:00:00.000Z", "queued");
    await insertRun(sql, "alpha", "2026-11-23T02:00:00.000Z", "queued");
    await insertRun(sql, "bravo", "2026-11-23T03:00:00.000Z", "running");
    await insertRun(sql, "bravo", "2026-11-23T04:00:00.000Z", "success");
    await insertUsage(sql, { model: "claude-a", cost: 0.25, at: "2026-11-23T01:00:00.000Z" });
    await insertUsage(sql, { model: "claude-a", cost: null, at: "2026-11-23T02:00:00.000Z" });
    expect(await activeRunCounts(sql)).toEqual(
      expect.arrayContaining([
        { event_id: "alpha", status: "queued", n: 2 },
        { event_id: "bravo", status: "running", n: 1 },
      ]),
    );
    expect(await activeRunCounts(sql)).toHaveLength(2);
    expect(await usageTotals(sql)).toEqual([
      { model: "claude-a", calls: 2, input_tokens: 20, output_tokens: 10, cache_creation_input_tokens: 2, cache_read_input_tokens: 4, cost_usd: 0.25 },
    ]);
    const byCondition = await eventsByCondition(sql);
    expect(Object.fromEntries(byCondition.map((r) => [r.condition_type, r.n]))).toEqual({ cron: 4, interval: 1, once: 1 });
    expect(await pausedEventCount(sql)).toBe(1);
  });

  test("run steps: read back in order with is_error a boolean, and tool calls after a cursor", async () => {
    const { sql } = await open();
    const run = await insertRun(sql, "alpha", "2026-11-23T01:00:00.000Z", "success");
    expect(await lastRunStepId(sql)).toBe(0);
    const step = (attempt: number, seq: number, kind: string, more: Record<string, unknown>) =>
      sql.run(
        `INSERT INTO run_steps (run_id, attempt, seq, kind, agent, depth, model, input_tokens, cost_usd, tool, server, is_error, duration_ms, started_at)
         VALUES (@run, @attempt, @seq, @kind, 'helper', 0, @model, @input, @cost, @tool, @server, @is_error, 12, '2026-11-23T01:00:01.000Z')`,
        { run, attempt, seq, kind, model: null, input: null, cost: null, tool: null, server: null, is_error: null, ...more },
      );
    await step(1, 2, "tool_call", { tool: "mcp__files__read", server: "files", is_error: 1 });
    await step(1, 1, "turn", { model: "claude-a", input: 10, cost: 0.5 });
    await step(0, 1, "tool_call", { tool: "nexaas__note", is_error: 0 });
    const steps = await readRunStepsJson(sql, run);
    expect(steps.map((s) => [s.attempt, s.seq, s.kind, s.is_error])).toEqual([
      [0, 1, "tool_call", false],
      [1, 1, "turn", null],
      [1, 2, "tool_call", true],
    ]);
    expect(steps[1]).toMatchObject({ model: "claude-a", input_tokens: 10, cost_usd: 0.5, duration_ms: 12, depth: 0 });
    const last = await lastRunStepId(sql);
    expect(last).toBeGreaterThan(0);
    const first = await stepsAfter(sql, 0, 2);
    expect(first.toolCalls.map((c) => [c.tool, c.server, c.is_error])).toEqual([["mcp__files__read", "files", 1]]);
    const rest = await stepsAfter(sql, first.last, 10);
    expect(rest).toEqual({ last, toolCalls: [expect.objectContaining({ tool: "nexaas__note", server: null, is_error: 0, duration_ms: 12 })] });
  });

  test("API tokens and sessions: create once per name, find by hash, touch at most once a minute, revoke keeps the first time", async () => {
    const { sql } = await open();
    const t0 = new Date("2026-11-23T10:00:00.000Z");
    expect(await createApiToken(sql, { name: "dash", tokenHash: "h1", createdAt: t0, expiresAt: null })).toBe(true);
    expect(await createApiToken(sql, { name: "dash", tokenHash: "h2", createdAt: t0, expiresAt: null })).toBe(false);
    expect(await createApiToken(sql, { name: "ci", tokenHash: "h3", createdAt: t0, expiresAt: new Date("2026-12-01T00:00:00.000Z") })).toBe(true);
    const dash = await findApiToken(sql, "h1");
    expect(dash).toEqual({ id: expect.any(Number), name: "dash", created_at: t0.toISOString(), expires_at: null, revoked_at: null, last_used_at: null });
    expect(await findApiToken(sql, "h2")).toBeUndefined();
    const id = dash?.id ?? 0;

    await touchApiToken(sql, id, t0);
    await touchApiToken(sql, id, new Date(t0.getTime() + 30_000));
    expect((await findApiToken(sql, "h1"))?.last_used_at).toBe(t0.toISOString());
    await touchApiToken(sql, id, new Date(t0.getTime() + 60_000));
    expect((await findApiToken(sql, "h1"))?.last_used_at).toBe("2026-11-23T10:01:00.000Z");

    expect(await revokeApiToken(sql, "ci", t0)).toBe(t0.toISOString());
    expect(await revokeApiToken(sql, "ci", new Date(t0.getTime() + 1000))).toBe(t0.toISOString());
    expect(await revokeApiToken(sql, "nobody", t0)).toBeUndefined();
    expect((await listApiTokens(sql)).map((t) => [t.name, t.expires_at, t.revoked_at])).toEqual([
      ["dash", null, null],
      ["ci", "2026-12-01T00:00:00.000Z", t0.toISOString()],
    ]);

    await createApiSession(sql, { id: "s-admin", tokenId: null, issuedAt: t0 });
    await createApiSession(sql, { id: "s-dash", tokenId: id, issuedAt: new Date(t0.getTime() + 5000) });
    expect(await findApiSession(sql, "s-admin")).toEqual({ id: "s-admin", issued_at: t0.toISOString(), token_id: null, name: null, expires_at: null, revoked_at: null });
    expect(await findApiSession(sql, "s-dash")).toMatchObject({ token_id: id, name: "dash" });
    await pruneApiSessions(sql, new Date(t0.getTime() + 1));
    expect(await findApiSession(sql, "s-admin")).toBeUndefined();
    await deleteApiSession(sql, "s-dash");
    expect(await findApiSession(sql, "s-dash")).toBeUndefined();
  });

  // statusCounts reads the queue through activeJobs, which takes an Sql once the queue's slice of issue 16 lands.
  test("statusCounts: events by status, jobs, and today's spend", async () => {
    const { sql } = await open();
    await seedEvents(sql);
    await insertUsage(sql, { model: "claude-a", cost: 0.1, at: "2026-11-22T23:59:59.999Z" });
    await insertUsage(sql, { model: "claude-a", cost: 0.1, at: "2026-11-23T00:00:00.000Z" });
    await insertUsage(sql, { model: "claude-a", cost: 0.2, at: "2026-11-23T11:00:00.000Z" });
    await insertUsage(sql, { model: "mystery", cost: null, at: "2026-11-23T11:30:00.000Z" });
    expect(await statusCounts(sql, now)).toEqual({
      events: { active: 2, paused: 1, disabled: 1, expired: 2 },
      queue: { queued: 0, running: 0, ready: 0 },
      spend_today_usd: 0.3,
    });
  });
});
