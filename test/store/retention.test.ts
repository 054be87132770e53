import { once } from "node:events";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { validateWorkspace } from "../../controller/definitions/validate-workspace.js";
import { reconcile } from "../../controller/reconcile/reconcile.js";
import { appendChatMessages, chatSessionId } from "../../controller/store/chat-session.js";
import { recordRunStep } from "../../controller/store/run-steps.js";
import { recordUsage } from "../../controller/store/record-usage.js";
import { type PruneReport, Retention } from "../../controller/store/retention.js";
import { retentionSettings } from "../../controller/store/retention-settings.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import { rememberWebhookId } from "../../controller/store/webhook-ids.js";
import { upsertObject } from "../../controller/store/write-object.js";
import { isolateGit } from "../cli/helpers.js";
import { FakeClock } from "../support/fake-clock.js";
import { gitWorkspace } from "../support/git-workspace.js";
import { planOf, tableScans } from "../support/query-plans.js";
import { fileStoreBackends } from "../support/store-backends.js";
import { baseWorkspace } from "../support/tree.js";
import { freshDb, object } from "./helpers.js";

beforeAll(() => isolateGit());
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (stops.length) await stops.pop()?.();
});

const day = 86_400_000;
const now = Date.parse("2026-11-23T10:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();
const backends = fileStoreBackends();

/** A run (and its job) of `event`, created `ageMs` before now; finished ones ended a second after. Its id comes back through RETURNING, as on both. */
async function addRun(sql: Sql, event: string, status: string, ageMs: number): Promise<number> {
  const at = now - ageMs;
  const finished = ["success", "failed", "cancelled"].includes(status) ? iso(at + 1000) : null;
  const row = await sql.get<{ id: number }>(
    "INSERT INTO event_runs (event_id, scheduled_for, trigger, status, finished_at, duration_ms, created_at) VALUES (?, ?, 'manual', ?, ?, ?, ?) RETURNING id",
    [event, iso(at), status, finished, finished ? 1000 : null, iso(at)],
  );
  const id = Number(row?.id);
  await sql.run("INSERT INTO job_queue (run_id, event_id, status, run_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)", [id, event, status, iso(at), iso(at), iso(at)]);
  return id;
}

/** A run's transcript as the agent loop records it: four turns, each followed by a tool call, over two attempts. */
async function addTranscript(sql: Sql, runId: number): Promise<void> {
  for (let i = 0; i < 8; i++) {
    const owner = { runId, attempt: i < 4 ? 1 : 2, agent: "writer", depth: 0, startedAt: new Date(now - 40 * day + i * 1000), durationMs: 10 };
    await recordRunStep(
      sql,
      i % 2 === 0
        ? {
            ...owner,
            kind: "turn",
            model: "m",
            text: "",
            stopReason: "tool_use",
            usage: { input_tokens: 1, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
            costUsd: null,
          }
        : { ...owner, kind: "tool_call", tool: "nexaas__note", server: null, input: "{}", output: "ok", isError: false },
    );
  }
}

const runIds = async (sql: Sql, event?: string): Promise<number[]> =>
  (
    await (event === undefined
      ? sql.all<{ id: number }>("SELECT id FROM event_runs ORDER BY id")
      : sql.all<{ id: number }>("SELECT id FROM event_runs WHERE event_id = ? ORDER BY id", [event]))
  ).map((r) => r.id);
const count = async (sql: Sql, table: string): Promise<number> => (await sql.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))?.n ?? -1;
const column = async <T>(sql: Sql, statement: string, params: unknown[] = []): Promise<T[]> =>
  (await sql.all<Record<string, T>>(statement, params)).map((r) => Object.values(r)[0] as T);

function retention(sql: Sql, clock: FakeClock, batchSize?: number): Retention {
  const r = new Retention(sql, { clock, firstPassMs: 60_000, intervalMs: 600_000, ...(batchSize !== undefined ? { batchSize } : {}) });
  stops.push(() => r.stop());
  return r;
}

/** The workspace's nexaas.yaml as the applier writes it (retention is read from it at each pass). */
async function setRetention(sql: Sql, value: Record<string, unknown>): Promise<void> {
  await sql.run("INSERT INTO workspace_settings (name, layer, revision, digest, file, spec, updated_at) VALUES ('workspace', 'workspace', 'r', 'd', 'nexaas.yaml', ?, ?)", [
    JSON.stringify({ name: "ops", retention: value }),
    iso(now),
  ]);
}

describe.each(backends)("retention on $name", ({ missing, open }) => {
  const it_ = missing ? (title: string, _body: () => Promise<void>) => it.skip(`${title} (needs PostgreSQL: ${missing})`, () => {}) : it;

  it_("deletes finished runs older than the window with their jobs and chat messages; keeps queued and running ones, newer runs and token usage", async () => {
    const { sql } = await open();
    const clock = new FakeClock(now);
    const oldDone = [await addRun(sql, "daily", "success", 40 * day), await addRun(sql, "daily", "failed", 35 * day), await addRun(sql, "gone", "cancelled", 31 * day)];
    const oldQueued = await addRun(sql, "daily", "queued", 45 * day);
    const oldRunning = await addRun(sql, "slow", "running", 33 * day);
    const recent = await addRun(sql, "daily", "success", 29 * day);
    const session = await chatSessionId(sql, "thread", { agent: null, eventId: "daily" }, new Date(now));
    await appendChatMessages(
      sql,
      session,
      oldDone[0] ?? null,
      [
        { role: "user", content: "old" },
        { role: "assistant", content: "reply" },
      ],
      new Date(now - 40 * day),
    );
    await appendChatMessages(sql, session, recent, [{ role: "user", content: "new" }], new Date(now - 29 * day));
    await recordUsage(
      sql,
      {
        runId: oldDone[0] ?? null,
        eventId: "daily",
        agent: null,
        model: "m",
        input_tokens: 1,
        output_tokens: 1,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        costUsd: 0.01,
        priceTableDate: null,
      },
      new Date(now - 40 * day),
    );

    const report = await retention(sql, clock).prune();

    expect(report).toMatchObject({ expiredRuns: 3, overCapRuns: 0 });
    expect(await runIds(sql)).toEqual([oldQueued, oldRunning, recent]);
    expect(await column(sql, "SELECT run_id FROM job_queue ORDER BY run_id")).toEqual([oldQueued, oldRunning, recent]);
    expect(await column(sql, "SELECT content FROM chat_messages")).toEqual(["new"]);
    expect(await count(sql, "chat_sessions")).toBe(1);
    expect(await count(sql, "token_usage")).toBe(1);
  });

  it_("deletes a run's transcript with the run (run_steps' foreign key cascades) and keeps the steps of runs it keeps", async () => {
    const { sql } = await open();
    const clock = new FakeClock(now);
    const old = await addRun(sql, "daily", "success", 40 * day);
    await addTranscript(sql, old);
    const recent = await addRun(sql, "daily", "success", day);
    await sql.run(
      "INSERT INTO run_steps (run_id, attempt, seq, kind, agent, duration_ms, started_at) SELECT ?, attempt, seq, kind, agent, duration_ms, started_at FROM run_steps WHERE run_id = ?",
      [recent, old],
    );
    const steps = async (runId: number) => (await sql.get<{ n: number }>("SELECT count(*) AS n FROM run_steps WHERE run_id = ?", [runId]))?.n;
    expect(await steps(old)).toBe(8);

    expect(await retention(sql, clock).prune()).toMatchObject({ expiredRuns: 1 });

    expect(await runIds(sql)).toEqual([recent]);
    expect(await steps(old)).toBe(0);
    expect(await steps(recent)).toBe(8);
  });

  it_("keeps the newest max_runs_per_event runs of each event, removed events included, and never a waiting or running one", async () => {
    const { sql } = await open();
    await setRetention(sql, { runs: "30d", max_runs_per_event: 3 });
    const clock = new FakeClock(now);
    const a: number[] = [];
    for (let i = 0; i < 6; i++) a.push(await addRun(sql, "a", i === 1 ? "queued" : "success", (10 - i) * 60_000));
    const b = [await addRun(sql, "b", "failed", 10 * 60_000), await addRun(sql, "b", "failed", 9 * 60_000)];
    const removed: number[] = [];
    for (let i = 0; i < 5; i++) removed.push(await addRun(sql, "removed", "success", (20 - i) * 60_000));

    const report = await retention(sql, clock).prune();

    expect(report).toMatchObject({ expiredRuns: 0, overCapRuns: 2 + 2 });
    // a: the newest three stay; of the older ones the queued run stays too.
    expect(await runIds(sql, "a")).toEqual([a[1], a[3], a[4], a[5]]);
    expect(await runIds(sql, "b")).toEqual(b);
    expect(await runIds(sql, "removed")).toEqual(removed.slice(2));
  });

  it_("deletes old finished runs, then runs over the cap, then old webhook ids, in batches of 2; keeps the rest", async () => {
    const { sql } = await open();
    await upsertObject(sql, object("workspace", "workspace", { name: "ops", retention: { runs: "7d", max_runs_per_event: 2 } }), "r1", new Date(now));
    const old = await addRun(sql, "a", "success", 10 * day);
    const oldRunning = await addRun(sql, "a", "running", 10 * day);
    await addRun(sql, "a", "failed", 3 * day); // over the cap of 2
    const a2 = await addRun(sql, "a", "success", 2 * day);
    const a3 = await addRun(sql, "a", "success", day);
    const b1 = await addRun(sql, "b", "success", day);
    const session = await chatSessionId(sql, "s", { agent: null, eventId: "a" }, new Date(now));
    await appendChatMessages(sql, session, old, [{ role: "user", content: "hi" }], new Date(now));
    await sql.run("INSERT INTO webhook_ids (event_id, webhook_id, seen_at) VALUES ('hook', 'old', ?), ('hook', 'new', ?)", [iso(now - 2 * day), iso(now)]);

    const report = await retention(sql, new FakeClock(now), 2).prune();

    expect(report).toMatchObject({ expiredRuns: 1, overCapRuns: 1, webhookIds: 1 });
    expect(await runIds(sql)).toEqual([oldRunning, a2, a3, b1]);
    expect(await count(sql, "chat_messages")).toBe(0);
    expect(await column(sql, "SELECT run_id FROM job_queue ORDER BY run_id")).toEqual([oldRunning, a2, a3, b1]);
    expect(await column(sql, "SELECT webhook_id FROM webhook_ids")).toEqual(["new"]);
  });

  it_("works in batches of batchSize runs, one short transaction each, with a turn of the event loop between them", async () => {
    const { sql } = await open();
    const clock = new FakeClock(now);
    await sql.transaction(async (tx) => {
      for (let i = 0; i < 95; i++) await addRun(tx, `e${i % 7}`, "success", 40 * day - i);
    });
    await addRun(sql, "e0", "success", day);
    // Count the transactions that delete runs (counted inside each, where its own deletes show), and the event-loop turns the pass lets through.
    let deletingTransactions = 0;
    let largest = 0;
    const runs = async (tx: Sql) => (await tx.get<{ n: number }>("SELECT count(*) AS n FROM event_runs"))?.n ?? 0;
    const original = sql.transaction.bind(sql);
    sql.transaction = (<T>(body: (tx: Sql) => Promise<T>) =>
      original(async (tx) => {
        const start = await runs(tx);
        const result = await body(tx);
        const deleted = start - (await runs(tx));
        if (deleted > 0) {
          deletingTransactions++;
          largest = Math.max(largest, deleted);
        }
        return result;
      })) as typeof sql.transaction;
    stops.push(() => {
      sql.transaction = original; // the store outlives the test on PostgreSQL
      return Promise.resolve();
    });
    let turns = 0;
    let spinning = true;
    const spin = () => {
      turns++;
      if (spinning) setImmediate(spin);
    };
    setImmediate(spin);

    const report = await retention(sql, clock, 10).prune();
    spinning = false;

    expect(report.expiredRuns).toBe(95);
    expect(largest).toBeLessThanOrEqual(10);
    expect(deletingTransactions).toBeGreaterThanOrEqual(10);
    // The loop turned between batches: other work (requests, timers) runs while a pass goes on.
    expect(turns).toBeGreaterThanOrEqual(deletingTransactions);
    expect(await runIds(sql)).toHaveLength(1);
  });

  it_("runs on the injected clock: a first pass after firstPassMs, then one every intervalMs; stop ends it", async () => {
    const { sql } = await open();
    const clock = new FakeClock(now);
    const r = retention(sql, clock);
    await addRun(sql, "daily", "success", 31 * day);
    r.start();
    const first = once(r, "pruned") as Promise<[PruneReport]>;
    await clock.advance(59_999);
    expect(await runIds(sql)).toHaveLength(1);
    await clock.advance(1);
    expect((await first)[0].expiredRuns).toBe(1);

    // A run that ages out later goes at the next pass, ten minutes on.
    await addRun(sql, "daily", "success", 30 * day - 5 * 60_000);
    const second = once(r, "pruned") as Promise<[PruneReport]>;
    await clock.advance(600_000);
    expect((await second)[0].expiredRuns).toBe(1);
    expect(await runIds(sql)).toEqual([]);

    await r.stop();
    expect(clock.pending).toBe(0);
  });

  it_("deletes webhook ids past their replay window, while a replay inside it is still refused", async () => {
    const { sql } = await open();
    const clock = new FakeClock(now);
    for (let i = 0; i < 25; i++) await rememberWebhookId(sql, "deploy", `old_${i}`, new Date(now - 11 * 60_000));
    expect(await rememberWebhookId(sql, "deploy", "fresh", new Date(now - 60_000))).toBe(true);
    const report = await retention(sql, clock, 10).prune();
    expect(report.webhookIds).toBe(25);
    expect(await column(sql, "SELECT webhook_id FROM webhook_ids")).toEqual(["fresh"]);
    expect(await rememberWebhookId(sql, "deploy", "fresh", new Date(now))).toBe(false);
  });

  it_("reads retention from the applied manifest, and falls back to the defaults", async () => {
    const { sql } = await open();
    expect(await retentionSettings(sql)).toEqual({ runsMs: 30 * day, maxRunsPerEvent: 1000 });
    const ws = gitWorkspace({ ...baseWorkspace, "nexaas.yaml": "name: test-ops\ndefaults: {agent: helper}\nretention: {runs: 7d, max_runs_per_event: 50}\n" });
    expect((await reconcile(sql, { dir: ws.dir, frameworkDir: null, now: new Date(now) })).result).toBe("applied");
    expect(await retentionSettings(sql)).toEqual({ runsMs: 7 * day, maxRunsPerEvent: 50 });
  });

  it_("reads a manifest row mangled out of band (not JSON) as the defaults, so pruning goes on until the next apply", async () => {
    const { sql } = await open();
    await sql.run("INSERT INTO workspace_settings (name, layer, revision, digest, file, spec, updated_at) VALUES ('workspace', 'workspace', 'r', 'd', 'nexaas.yaml', ?, ?)", [
      '{"name": "ops", "retention": {"runs": "7d"',
      iso(now),
    ]);
    expect(await retentionSettings(sql)).toEqual({ runsMs: 30 * day, maxRunsPerEvent: 1000 });
  });
});

describe("retention's statements on SQLite", () => {
  // SQLite's query plans: PostgreSQL's planner picks by statistics, which an empty test table does not have.
  it("finds what to delete through indexes: no statement scans a table", () => {
    const { db } = freshDb();
    const statements = [
      "SELECT id, status, created_at, finished_at FROM event_runs WHERE id > ? ORDER BY id LIMIT ?",
      "SELECT event_id FROM event_runs WHERE event_id > ? ORDER BY event_id LIMIT 1",
      "SELECT id FROM event_runs WHERE event_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?",
      "SELECT id, status FROM event_runs WHERE event_id = ? AND id > ? AND id < ? ORDER BY id LIMIT ?",
      "DELETE FROM chat_messages WHERE run_id IN (SELECT value FROM json_each(?))",
      "DELETE FROM job_queue WHERE run_id IN (SELECT value FROM json_each(?)) AND status IN ('success', 'failed', 'cancelled')",
    ];
    for (const sql of statements) expect(tableScans(planOf(db, sql)), sql).toEqual([]);
    // Deleting a run checks job_queue's foreign key through job_queue_run, not a scan per run.
    expect(planOf(db, "SELECT 1 FROM job_queue WHERE run_id = ?")).toMatch(/USING COVERING INDEX job_queue_run \(run_id=\?\)/);
    expect(planOf(db, statements[4] ?? "")).toMatch(/chat_messages_run \(run_id=\?\)/);
    // Deleting a run deletes its steps (ON DELETE CASCADE) through run_steps_run, not a scan per run.
    expect(planOf(db, "SELECT 1 FROM run_steps WHERE run_id = ?")).toMatch(/run_steps_run \(run_id=\?\)/);
    // The transcripts of runs retention deletes go through run_steps' foreign key: SQLite enforces it only with the pragma on.
    expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
  });
});

describe("retention in nexaas.yaml", () => {
  it("refuses a zero window and a cap under 1, at their line", async () => {
    const check = async (retention: string) => {
      const ws = gitWorkspace({ ...baseWorkspace, "nexaas.yaml": `name: test-ops\ndefaults: {agent: helper}\nretention:\n${retention}` });
      const result = await validateWorkspace({ dir: ws.dir, tree: { from: "worktree" }, now: new Date(now), frameworkDir: null });
      return result.diagnostics.map((d) => [d.file, d.line, d.rule]);
    };
    expect(await check("  runs: 0d\n")).toEqual([["nexaas.yaml", 4, "duration"]]);
    expect(await check("  runs: 400d\n")).toEqual([["nexaas.yaml", 4, "duration"]]);
    expect(await check("  max_runs_per_event: 0\n")).toEqual([["nexaas.yaml", 4, "schema"]]);
    expect(await check("  runs: 90d\n  max_runs_per_event: 10\n")).toEqual([]);
  });
});
