import type { Database } from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { freshDb } from "./helpers.js";

const slot = "2026-11-23T09:00:00.000Z";

/** A run row as the scheduler and the CLI will insert it. */
function insertRun(db: Database, eventId: string, trigger: string, scheduledFor = slot): number {
  return Number(
    db
      .prepare("INSERT INTO event_runs (event_id, scheduled_for, trigger, status, created_at) VALUES (?, ?, ?, 'queued', ?)")
      .run(eventId, scheduledFor, trigger, scheduledFor).lastInsertRowid,
  );
}

describe("the firing key (event, scheduled time)", () => {
  it("lets one schedule slot run once, whether the scheduler or catch-up fires it", () => {
    const { db } = freshDb();
    insertRun(db, "daily", "schedule");
    expect(() => insertRun(db, "daily", "schedule")).toThrow(expect.objectContaining({ code: "SQLITE_CONSTRAINT_UNIQUE" }));
    expect(() => insertRun(db, "daily", "catchup")).toThrow(expect.objectContaining({ code: "SQLITE_CONSTRAINT_UNIQUE" }));
    // Another event, or another slot of this one, is another firing.
    insertRun(db, "other", "schedule");
    insertRun(db, "daily", "catchup", "2026-11-22T09:00:00.000Z");
    expect(() => insertRun(db, "daily", "schedule", "2026-11-22T09:00:00.000Z")).toThrow(expect.objectContaining({ code: "SQLITE_CONSTRAINT_UNIQUE" }));
  });

  it("lets a second firing of a slot be skipped by an upsert that names the partial index", () => {
    const { db } = freshDb();
    const fire = db.prepare(
      `INSERT INTO event_runs (event_id, scheduled_for, trigger, status, created_at) VALUES ('daily', ?, 'schedule', 'queued', ?)
       ON CONFLICT (event_id, scheduled_for) WHERE trigger IN ('schedule', 'catchup') DO NOTHING`,
    );
    expect(fire.run(slot, slot).changes).toBe(1);
    expect(fire.run(slot, slot).changes).toBe(0);
  });

  it("does not key manual, webhook and flow runs: two in the same millisecond, or in a schedule slot, are two runs", () => {
    const { db } = freshDb();
    insertRun(db, "daily", "schedule");
    const ids = ["manual", "manual", "webhook", "webhook", "flow", "flow"].map((trigger) => insertRun(db, "daily", trigger));
    expect(new Set(ids).size).toBe(6);
    expect(db.prepare("SELECT count(*) FROM event_runs WHERE event_id = 'daily' AND scheduled_for = ?").pluck().get(slot)).toBe(7);
  });
});
