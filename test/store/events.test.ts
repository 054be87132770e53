import type { Database } from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { cancelQueuedJobs } from "../../controller/store/cancel-queued-jobs.js";
import { lastRuns } from "../../controller/store/list-events.js";
import { sqliteSql } from "../../controller/store/sql/sqlite-sql.js";
import { readEventRuntime } from "../../controller/store/read-event-runtime.js";
import { readObjects } from "../../controller/store/read-objects.js";
import { conditionDigest, deleteEvent, insertEvent, updateEventDefinition } from "../../controller/store/write-event.js";
import { at, cronEvent, freshDb } from "./helpers.js";

const now = at("2026-11-23T08:00:00.000Z");
const later = at("2026-11-23T08:30:00.000Z");

/** The scheduler's part, written the way it will: by SQL, not through the applier's functions. */
function setRuntime(db: Database, name: string): void {
  db.prepare(
    "UPDATE events SET next_fire_at = '2026-11-24T09:00:00.000Z', consecutive_failures = 2, paused = 1, paused_reason = 'failed 2 times' WHERE name = ?",
  ).run(name);
}

describe("event definitions", () => {
  it("stores the first fire time and the columns queries filter on", async () => {
    const { db } = freshDb();
    insertEvent(db, cronEvent("daily", { enabled: false, origin: "followups" }), "rev1", now, at("2026-11-23T09:00:00.000Z"));
    const row = db.prepare("SELECT agent, condition_type, enabled, origin, next_fire_at, created_at FROM events").get();
    expect(row).toEqual({
      agent: "helper",
      condition_type: "cron",
      enabled: 0,
      origin: "followups",
      next_fire_at: "2026-11-23T09:00:00.000Z",
      created_at: "2026-11-23T08:00:00.000Z",
    });
  });

  it("takes the agent from the action when the event names none, and defaults enabled and origin", async () => {
    const { db } = freshDb();
    const event = cronEvent("x");
    const spec = { condition: event.spec.condition, action: { type: "claude_chat", prompt: "hi", agent: "writer" } };
    insertEvent(db, { ...event, spec }, "rev1", now, null);
    expect(db.prepare("SELECT agent, enabled, origin FROM events").get()).toEqual({ agent: "writer", enabled: 1, origin: "events" });
  });

  it("generates agent, condition type, enabled and origin from the spec: they follow it and cannot be written", async () => {
    const { db } = freshDb();
    insertEvent(db, cronEvent("daily", { enabled: false, origin: "followups" }), "rev1", now, at("2026-11-23T09:00:00.000Z"));
    const columns = () => db.prepare("SELECT agent, condition_type, enabled, origin FROM events WHERE name = 'daily'").get();

    // Out of band: the digest covers only the spec, so a writable copy could be changed unnoticed.
    for (const sql of [
      "UPDATE events SET enabled = 1",
      "UPDATE events SET agent = 'someone-else'",
      "UPDATE events SET condition_type = 'interval'",
      "UPDATE events SET origin = 'events'",
    ]) {
      expect(() => db.prepare(sql).run(), sql).toThrow(/cannot UPDATE generated column/);
    }
    expect(columns()).toEqual({ agent: "helper", condition_type: "cron", enabled: 0, origin: "followups" });

    // An edit of the spec moves them with it (and so shows as drift through the digest).
    db.prepare(
      `UPDATE events SET spec = json_remove(json_set(spec, '$.enabled', json('true'), '$.action.agent', 'writer',
         '$.condition', json('{"type":"interval","expr":90}')), '$.agent', '$.origin')`,
    ).run();
    expect(columns()).toEqual({ agent: "writer", condition_type: "interval", enabled: 1, origin: "events" });
    db.prepare("UPDATE events SET spec = json_set(spec, '$.enabled', json('false'))").run();
    expect(columns()).toMatchObject({ enabled: 0 });
    // The scheduler's index of due events follows too: a disabled event is not in it.
    const due = db.prepare("SELECT name FROM events WHERE enabled = 1 AND paused = 0 ORDER BY next_fire_at").pluck();
    expect(due.all()).toEqual([]);
    db.prepare("UPDATE events SET spec = json_remove(spec, '$.enabled')").run();
    expect(due.all()).toEqual(["daily"]);
  });

  it("refuses a spec edited out of band into something that is not an event", async () => {
    const { db } = freshDb();
    insertEvent(db, cronEvent("daily"), "rev1", now, null);
    expect(() => db.prepare("UPDATE events SET spec = json_set(spec, '$.condition.type', 'hourly')").run()).toThrow(/CHECK constraint failed/);
    expect(() => db.prepare("UPDATE events SET spec = json_set(spec, '$.origin', 'elsewhere')").run()).toThrow(/CHECK constraint failed/);
    expect(() => db.prepare("UPDATE events SET spec = json_set(spec, '$.enabled', 'no')").run()).toThrow(/CHECK constraint failed/);
    expect(() => db.prepare("UPDATE events SET spec = json_remove(spec, '$.condition')").run()).toThrow(/NOT NULL constraint failed/);
    expect(() => db.prepare("UPDATE events SET spec = 'not json'").run()).toThrow(/malformed JSON/);
    expect((await readObjects(sqliteSql(db)))[0]).toMatchObject({ spec: cronEvent("daily").spec });
  });

  it("keeps next fire time, failures and pause when only the rest of the definition changed", async () => {
    const { db } = freshDb();
    const v1 = cronEvent("daily");
    insertEvent(db, v1, "rev1", now, at("2026-11-23T09:00:00.000Z"));
    setRuntime(db, "daily");

    const v2 = cronEvent("daily", { description: "now described", action: { type: "claude_chat", prompt: "hello" } });
    expect(conditionDigest(v2.spec)).toBe(conditionDigest(v1.spec));
    await updateEventDefinition(sqliteSql(db), v2, "rev2", later, false, null);

    expect((await readEventRuntime(sqliteSql(db), "daily"))).toEqual({
      next_fire_at: "2026-11-24T09:00:00.000Z",
      consecutive_failures: 2,
      paused: 1,
      paused_reason: "failed 2 times",
      condition_digest: conditionDigest(v1.spec),
    });
    const [stored] = (await readObjects(sqliteSql(db)));
    expect(stored).toMatchObject({ spec: v2.spec, digest: v2.digest, actualDigest: v2.digest, revision: "rev2" });
  });

  it("replaces only the next fire time when the condition changed", async () => {
    const { db } = freshDb();
    const v1 = cronEvent("daily");
    insertEvent(db, v1, "rev1", now, at("2026-11-23T09:00:00.000Z"));
    setRuntime(db, "daily");

    const v2 = cronEvent("daily", {}, "*/5 * * * *");
    expect(conditionDigest(v2.spec)).not.toBe(conditionDigest(v1.spec));
    await updateEventDefinition(sqliteSql(db), v2, "rev2", later, true, at("2026-11-23T08:35:00.000Z"));

    expect((await readEventRuntime(sqliteSql(db), "daily"))).toEqual({
      next_fire_at: "2026-11-23T08:35:00.000Z",
      consecutive_failures: 2,
      paused: 1,
      paused_reason: "failed 2 times",
      condition_digest: conditionDigest(v2.spec),
    });
  });

  it("reads no runtime for an event that does not exist", async () => {
    const { db } = freshDb();
    expect((await readEventRuntime(sqliteSql(db), "nope"))).toBeUndefined();
  });
});

describe("deleting an event", () => {
  function enqueue(db: Database, eventId: string, scheduledFor: string, status: "queued" | "running" | "success", runStatus: string = status): number {
    const run = db
      .prepare("INSERT INTO event_runs (event_id, scheduled_for, status, attempt, created_at) VALUES (?, ?, ?, 1, ?)")
      .run(eventId, scheduledFor, runStatus, scheduledFor);
    db.prepare("INSERT INTO job_queue (run_id, event_id, status, run_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)").run(
      run.lastInsertRowid,
      eventId,
      status,
      scheduledFor,
      scheduledFor,
      scheduledFor,
    );
    return Number(run.lastInsertRowid);
  }

  it("cancels queued jobs and their runs, lets running ones finish, and keeps the history", async () => {
    const { db } = freshDb();
    insertEvent(db, cronEvent("daily"), "rev1", now, null);
    insertEvent(db, cronEvent("other"), "rev1", now, null);
    const done = enqueue(db, "daily", "2026-11-21T09:00:00.000Z", "success");
    const running = enqueue(db, "daily", "2026-11-22T09:00:00.000Z", "running");
    const queued = enqueue(db, "daily", "2026-11-23T09:00:00.000Z", "queued");
    const otherQueued = enqueue(db, "other", "2026-11-23T09:00:00.000Z", "queued");

    expect(await cancelQueuedJobs(sqliteSql(db), "daily", later)).toBe(1);
    await deleteEvent(sqliteSql(db), "daily");

    expect((await readEventRuntime(sqliteSql(db), "daily"))).toBeUndefined();
    const runs = await lastRuns(sqliteSql(db), "daily", 10);
    expect(runs.map((r) => [r.id, r.status])).toEqual([
      [queued, "cancelled"],
      [running, "running"],
      [done, "success"],
    ]);
    expect(runs[0]?.finished_at).toBe("2026-11-23T08:30:00.000Z");
    const jobs = db.prepare("SELECT run_id, status FROM job_queue ORDER BY run_id").all();
    expect(jobs).toEqual([
      { run_id: done, status: "success" },
      { run_id: running, status: "running" },
      { run_id: queued, status: "cancelled" },
      { run_id: otherQueued, status: "queued" },
    ]);
    expect((await lastRuns(sqliteSql(db), "other", 10)).map((r) => r.status)).toEqual(["queued"]);
  });

  it("cancels a run waiting for a retry: its job is queued again, so nothing is executing it", async () => {
    const { db } = freshDb();
    insertEvent(db, cronEvent("daily"), "rev1", now, null);
    const retrying = enqueue(db, "daily", "2026-11-23T08:00:00.000Z", "queued", "running");
    expect(await cancelQueuedJobs(sqliteSql(db), "daily", later)).toBe(1);
    expect((await lastRuns(sqliteSql(db), "daily", 10)).map((r) => [r.id, r.status])).toEqual([[retrying, "cancelled"]]);
  });

  it("cancels nothing for an event without queued jobs", async () => {
    const { db } = freshDb();
    expect(await cancelQueuedJobs(sqliteSql(db), "nothing", later)).toBe(0);
  });
});
