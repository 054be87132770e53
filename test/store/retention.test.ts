import { once } from "node:events";
import type { Database } from "better-sqlite3";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { validateWorkspace } from "../../controller/definitions/validate-workspace.js";
import { reconcile } from "../../controller/reconcile/reconcile.js";
import { appendChatMessages, chatSessionId } from "../../controller/store/chat-session.js";
import { recordUsage } from "../../controller/store/record-usage.js";
import { type PruneReport, Retention } from "../../controller/store/retention.js";
import { retentionSettings } from "../../controller/store/retention-settings.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import { sqliteSql } from "../../controller/store/sql/sqlite-sql.js";
import { rememberWebhookId } from "../../controller/store/webhook-ids.js";
import { isolateGit } from "../cli/helpers.js";
import { FakeClock } from "../support/fake-clock.js";
import { gitWorkspace } from "../support/git-workspace.js";
import { planOf, tableScans } from "../support/query-plans.js";
import { seedTranscript } from "../support/run-transcript.js";
import { baseWorkspace } from "../support/tree.js";
import { freshDb } from "./helpers.js";

beforeAll(() => isolateGit());
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (stops.length) await stops.pop()?.();
});

const day = 86_400_000;
const now = Date.parse("2026-11-23T10:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();

/** A run (and its job) of `event`, created `ageMs` before now; finished ones ended a second after. */
function addRun(db: Database, event: string, status: string, ageMs: number): number {
  const at = now - ageMs;
  const finished = ["success", "failed", "cancelled"].includes(status) ? iso(at + 1000) : null;
  const id = Number(
    db
      .prepare("INSERT INTO event_runs (event_id, scheduled_for, trigger, status, finished_at, duration_ms, created_at) VALUES (?, ?, 'manual', ?, ?, ?, ?)")
      .run(event, iso(at), status, finished, finished ? 1000 : null, iso(at)).lastInsertRowid,
  );
  db.prepare("INSERT INTO job_queue (run_id, event_id, status, run_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)").run(id, event, status, iso(at), iso(at), iso(at));
  return id;
}

const runIds = (db: Database, event?: string): number[] =>
  (event === undefined ? db.prepare("SELECT id FROM event_runs ORDER BY id").pluck().all() : db.prepare("SELECT id FROM event_runs WHERE event_id = ? ORDER BY id").pluck().all(event)) as number[];
const count = (db: Database, table: string): number => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

function retention(db: Database, clock: FakeClock, batchSize?: number): Retention {
  const r = new Retention(db, { clock, firstPassMs: 60_000, intervalMs: 600_000, ...(batchSize !== undefined ? { batchSize } : {}) });
  stops.push(() => r.stop());
  return r;
}

/** The workspace's nexaas.yaml as the applier writes it (retention is read from it at each pass). */
function setRetention(db: Database, value: Record<string, unknown>): void {
  db.prepare("INSERT INTO workspace_settings (name, layer, revision, digest, file, spec, updated_at) VALUES ('workspace', 'workspace', 'r', 'd', 'nexaas.yaml', ?, ?)").run(
    JSON.stringify({ name: "ops", retention: value }),
    iso(now),
  );
}

describe("retention", () => {
  it("deletes finished runs older than the window with their jobs and chat messages; keeps queued and running ones, newer runs and token usage", async () => {
    const { db } = freshDb();
    const clock = new FakeClock(now);
    const oldDone = [addRun(db, "daily", "success", 40 * day), addRun(db, "daily", "failed", 35 * day), addRun(db, "gone", "cancelled", 31 * day)];
    const oldQueued = addRun(db, "daily", "queued", 45 * day);
    const oldRunning = addRun(db, "slow", "running", 33 * day);
    const recent = addRun(db, "daily", "success", 29 * day);
    const session = await chatSessionId(sqliteSql(db), "thread", { agent: null, eventId: "daily" }, new Date(now));
    await appendChatMessages(sqliteSql(db), session, oldDone[0] ?? null, [{ role: "user", content: "old" }, { role: "assistant", content: "reply" }], new Date(now - 40 * day));
    await appendChatMessages(sqliteSql(db), session, recent, [{ role: "user", content: "new" }], new Date(now - 29 * day));
    await recordUsage(sqliteSql(db), { runId: oldDone[0] ?? null, eventId: "daily", agent: null, model: "m", input_tokens: 1, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, costUsd: 0.01, priceTableDate: null }, new Date(now - 40 * day));

    const report = await retention(db, clock).prune();

    expect(report).toMatchObject({ expiredRuns: 3, overCapRuns: 0 });
    expect(runIds(db)).toEqual([oldQueued, oldRunning, recent]);
    expect(db.prepare("SELECT run_id FROM job_queue ORDER BY run_id").pluck().all()).toEqual([oldQueued, oldRunning, recent]);
    expect(db.prepare("SELECT content FROM chat_messages").pluck().all()).toEqual(["new"]);
    expect(count(db, "chat_sessions")).toBe(1);
    expect(count(db, "token_usage")).toBe(1);
  });

  it("deletes a run's transcript with the run (run_steps' foreign key cascades) and keeps the steps of runs it keeps", async () => {
    const { db } = freshDb();
    const clock = new FakeClock(now);
    const old = await seedTranscript(db, "daily");
    db.prepare("UPDATE event_runs SET created_at = ?, finished_at = ? WHERE id = ?").run(iso(now - 40 * day), iso(now - 40 * day), old);
    const recent = addRun(db, "daily", "success", day);
    db.prepare("INSERT INTO run_steps (run_id, attempt, seq, kind, agent, duration_ms, started_at) SELECT ?, attempt, seq, kind, agent, duration_ms, started_at FROM run_steps WHERE run_id = ?").run(recent, old);
    const steps = (runId: number) => db.prepare("SELECT count(*) FROM run_steps WHERE run_id = ?").pluck().get(runId);
    expect(steps(old)).toBe(8);

    expect(await retention(db, clock).prune()).toMatchObject({ expiredRuns: 1 });

    expect(runIds(db)).toEqual([recent]);
    expect(steps(old)).toBe(0);
    expect(steps(recent)).toBe(8);
  });

  it("keeps the newest max_runs_per_event runs of each event, removed events included, and never a waiting or running one", async () => {
    const { db } = freshDb();
    setRetention(db, { runs: "30d", max_runs_per_event: 3 });
    const clock = new FakeClock(now);
    const a = Array.from({ length: 6 }, (_, i) => addRun(db, "a", i === 1 ? "queued" : "success", (10 - i) * 60_000));
    const b = Array.from({ length: 2 }, (_, i) => addRun(db, "b", "failed", (10 - i) * 60_000));
    const removed = Array.from({ length: 5 }, (_, i) => addRun(db, "removed", "success", (20 - i) * 60_000));

    const report = await retention(db, clock).prune();

    expect(report).toMatchObject({ expiredRuns: 0, overCapRuns: 2 + 2 });
    // a: the newest three stay; of the older ones the queued run stays too.
    expect(runIds(db, "a")).toEqual([a[1], a[3], a[4], a[5]]);
    expect(runIds(db, "b")).toEqual(b);
    expect(runIds(db, "removed")).toEqual(removed.slice(2));
  });

  it("works in batches of batchSize runs, one short transaction each, with a turn of the event loop between them", async () => {
    const { db } = freshDb();
    const clock = new FakeClock(now);
    const insert = db.transaction(() => {
      for (let i = 0; i < 95; i++) addRun(db, `e${i % 7}`, "success", 40 * day - i);
    });
    insert();
    addRun(db, "e0", "success", day);
    // Count the transactions that delete runs, and the event-loop turns the pass lets through.
    let deletingTransactions = 0;
    let largest = 0;
    const before = db.prepare("SELECT count(*) FROM event_runs").pluck();
    // Retention is handed `db` and takes its one wrapper, this one.
    const sql = sqliteSql(db);
    const original = sql.transaction.bind(sql);
    sql.transaction = (<T>(body: (tx: Sql) => Promise<T>) =>
      original(async (tx) => {
        const start = before.get() as number;
        const result = await body(tx);
        const deleted = start - (before.get() as number);
        if (deleted > 0) {
          deletingTransactions++;
          largest = Math.max(largest, deleted);
        }
        return result;
      })) as typeof sql.transaction;
    let turns = 0;
    let spinning = true;
    const spin = () => {
      turns++;
      if (spinning) setImmediate(spin);
    };
    setImmediate(spin);

    const report = await retention(db, clock, 10).prune();
    spinning = false;

    expect(report.expiredRuns).toBe(95);
    expect(largest).toBeLessThanOrEqual(10);
    expect(deletingTransactions).toBeGreaterThanOrEqual(10);
    // The loop turned between batches: other work (requests, timers) runs while a pass goes on.
    expect(turns).toBeGreaterThanOrEqual(deletingTransactions);
    expect(runIds(db)).toHaveLength(1);
  });

  it("runs on the injected clock: a first pass after firstPassMs, then one every intervalMs; stop ends it", async () => {
    const { db } = freshDb();
    const clock = new FakeClock(now);
    const r = retention(db, clock);
    addRun(db, "daily", "success", 31 * day);
    r.start();
    const first = once(r, "pruned") as Promise<[PruneReport]>;
    await clock.advance(59_999);
    expect(runIds(db)).toHaveLength(1);
    await clock.advance(1);
    expect((await first)[0].expiredRuns).toBe(1);

    // A run that ages out later goes at the next pass, ten minutes on.
    addRun(db, "daily", "success", 30 * day - 5 * 60_000);
    const second = once(r, "pruned") as Promise<[PruneReport]>;
    await clock.advance(600_000);
    expect((await second)[0].expiredRuns).toBe(1);
    expect(runIds(db)).toEqual([]);

    await r.stop();
    expect(clock.pending).toBe(0);
  });

  it("deletes webhook ids past their replay window, while a replay inside it is still refused", async () => {
    const { db } = freshDb();
    const clock = new FakeClock(now);
    for (let i = 0; i < 25; i++) await rememberWebhookId(sqliteSql(db), "deploy", `old_${i}`, new Date(now - 11 * 60_000));
    expect(await rememberWebhookId(sqliteSql(db), "deploy", "fresh", new Date(now - 60_000))).toBe(true);
    const report = await retention(db, clock, 10).prune();
    expect(report.webhookIds).toBe(25);
    expect(db.prepare("SELECT webhook_id FROM webhook_ids").pluck().all()).toEqual(["fresh"]);
    expect(await rememberWebhookId(sqliteSql(db), "deploy", "fresh", new Date(now))).toBe(false);
  });

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
  });
});

describe("retention in nexaas.yaml", () => {
  it("defaults to 30 days and 1000 runs per event, and is read from the applied manifest", async () => {
    const { db } = freshDb();
    expect(await retentionSettings(sqliteSql(db))).toEqual({ runsMs: 30 * day, maxRunsPerEvent: 1000 });
    const ws = gitWorkspace({ ...baseWorkspace, "nexaas.yaml": "name: test-ops\ndefaults: {agent: helper}\nretention: {runs: 7d, max_runs_per_event: 50}\n" });
    expect((await reconcile(db, { dir: ws.dir, frameworkDir: null, now: new Date(now) })).result).toBe("applied");
    expect(await retentionSettings(sqliteSql(db))).toEqual({ runsMs: 7 * day, maxRunsPerEvent: 50 });
  });

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
