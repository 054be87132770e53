import type { Database } from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { listEvents } from "../../controller/store/list-events.js";
import { sqliteSql } from "../../controller/store/sql/sqlite-sql.js";
import { statusCounts } from "../../controller/store/status-counts.js";
import { insertEvent } from "../../controller/store/write-event.js";
import { upsertObject } from "../../controller/store/write-object.js";
import { at, cronEvent, freshDb, object } from "./helpers.js";

const now = at("2026-11-23T12:00:00.000Z");

function seedEvents(db: Database): void {
  insertEvent(db, cronEvent("active-one", { description: "Morning brief" }), "r", now, at("2026-11-24T09:00:00.000Z"));
  insertEvent(db, cronEvent("switched-off", { enabled: false }), "r", now, null);
  insertEvent(db, cronEvent("past", { policy: { expires_at: "2026-11-23T12:59:59+02:00" } }), "r", now, null); // 10:59:59Z
  insertEvent(db, cronEvent("future", { policy: { expires_at: "2026-11-23T13:00:00Z" } }), "r", now, null);
  insertEvent(db, cronEvent("stuck"), "r", now, null);
  db.prepare("UPDATE events SET paused = 1, paused_reason = 'failed 3 times', consecutive_failures = 3 WHERE name = 'stuck'").run();
  // Disabled wins over expired and paused; expired wins over paused.
  insertEvent(db, cronEvent("off-and-old", { enabled: false, policy: { expires_at: "2020-01-01T00:00:00Z" } }), "r", now, null);
  insertEvent(db, cronEvent("old-and-paused", { policy: { expires_at: "2020-01-01T00:00:00Z" } }), "r", now, null);
  db.prepare("UPDATE events SET paused = 1 WHERE name = 'old-and-paused'").run();
}

describe("listEvents", () => {
  it("computes each event's status at now", async () => {
    const { db } = freshDb();
    seedEvents(db);
    const statuses = Object.fromEntries((await listEvents(sqliteSql(db), now)).map((e) => [e.id, e.status]));
    expect(statuses).toEqual({
      "active-one": "active",
      "switched-off": "disabled",
      past: "expired",
      future: "active",
      stuck: "paused",
      "off-and-old": "disabled",
      "old-and-paused": "expired",
    });
  });

  it("gives the SPEC §10 shape", async () => {
    const { db } = freshDb();
    seedEvents(db);
    expect(await listEvents(sqliteSql(db), now, { id: "stuck" })).toEqual([
      {
        id: "stuck",
        status: "paused",
        agent: "helper",
        layer: "workspace",
        condition: { type: "cron", expr: "0 9 * * *", timezone: "UTC" },
        condition_spec: { type: "cron", expr: "0 9 * * *" },
        next_fire_at: null,
        consecutive_failures: 3,
        paused_reason: "failed 3 times",
        description: null,
        enabled: true,
        origin: "events",
        file: "events/stuck.yaml",
      },
    ]);
    expect((await listEvents(sqliteSql(db), now, { id: "active-one" }))[0]).toMatchObject({
      next_fire_at: "2026-11-24T09:00:00.000Z",
      description: "Morning brief",
    });
  });

  it("filters by id, status and agent", async () => {
    const { db } = freshDb();
    seedEvents(db);
    insertEvent(db, { ...cronEvent("writer-event"), spec: { ...cronEvent("x").spec, agent: "writer" } }, "r", now, null);
    expect((await listEvents(sqliteSql(db), now, { status: "expired" })).map((e) => e.id)).toEqual(["old-and-paused", "past"]);
    expect((await listEvents(sqliteSql(db), now, { agent: "writer" })).map((e) => e.id)).toEqual(["writer-event"]);
    expect(await listEvents(sqliteSql(db), now, { id: "nope" })).toEqual([]);
  });

  it("shows a cron event's time zone: its own, else the workspace's, else UTC; none for other conditions", async () => {
    const { db } = freshDb();
    insertEvent(db, cronEvent("own", {}, "0 9 * * *"), "r", now, null);
    db.prepare("UPDATE events SET spec = json_set(spec, '$.condition.timezone', 'Asia/Tokyo') WHERE name = 'own'").run();
    insertEvent(db, cronEvent("inherits"), "r", now, null);
    const every = cronEvent("every");
    insertEvent(db, { ...every, spec: { ...every.spec, condition: { type: "interval", expr: "15m" } } }, "r", now, null);

    const zones = async () => Object.fromEntries((await listEvents(sqliteSql(db), now)).map((e) => [e.id, e.condition.timezone]));
    expect(await zones()).toEqual({ own: "Asia/Tokyo", inherits: "UTC", every: null });

    upsertObject(db, object("workspace", "workspace", { name: "ops", timezone: "Europe/Paris" }), "r", now);
    expect(await zones()).toEqual({ own: "Asia/Tokyo", inherits: "Europe/Paris", every: null });
    expect((await listEvents(sqliteSql(db), now, { id: "every" }))[0]?.condition).toEqual({ type: "interval", expr: "15m", timezone: null });
  });

  it("keeps a condition's expression with its JSON type, and gives the condition as stored", async () => {
    const { db } = freshDb();
    const base = cronEvent("x");
    const withCondition = (name: string, condition: Record<string, unknown>) =>
      insertEvent(db, { ...base, name, spec: { ...base.spec, condition } }, "r", now, null);
    withCondition("seconds", { type: "interval", expr: 90 });
    withCondition("zoned", { type: "cron", expr: "0 9 * * 1-5", timezone: "Europe/Paris" });
    withCondition("hook", { type: "webhook", secret: "test-secret" });

    const byId = Object.fromEntries((await listEvents(sqliteSql(db), now)).map((e) => [e.id, e]));
    // A number of seconds stays a number: "90" would not parse as a duration.
    expect(byId.seconds?.condition).toEqual({ type: "interval", expr: 90, timezone: null });
    expect(byId.seconds?.condition_spec).toEqual({ type: "interval", expr: 90 });
    expect(byId.zoned?.condition).toEqual({ type: "cron", expr: "0 9 * * 1-5", timezone: "Europe/Paris" });
    expect(byId.zoned?.condition_spec).toEqual({ type: "cron", expr: "0 9 * * 1-5", timezone: "Europe/Paris" });
    expect(byId.hook?.condition).toEqual({ type: "webhook", expr: null, timezone: null });
    expect(byId.hook?.condition_spec).toEqual({ type: "webhook", secret: "test-secret" });
  });
});

describe("statusCounts", () => {
  it("is all zeros on an empty store", async () => {
    const { db } = freshDb();
    expect(await statusCounts(sqliteSql(db), now)).toEqual({
      events: { active: 0, paused: 0, disabled: 0, expired: 0 },
      queue: { queued: 0, running: 0, ready: 0 },
      spend_today_usd: 0,
    });
  });

  it("counts events by status, jobs by state, and today's spend without unpriced calls", async () => {
    const { db } = freshDb();
    seedEvents(db);
    const run = (scheduled: string, status: string) => {
      const id = db
        .prepare("INSERT INTO event_runs (event_id, scheduled_for, status, created_at) VALUES ('stuck', ?, ?, ?)")
        .run(scheduled, status, scheduled).lastInsertRowid;
      db.prepare("INSERT INTO job_queue (run_id, event_id, status, run_at, created_at, updated_at) VALUES (?, 'stuck', ?, ?, ?, ?)").run(
        id,
        status,
        scheduled,
        scheduled,
        scheduled,
      );
    };
    run("2026-11-23T01:00:00.000Z", "queued");
    run("2026-11-23T02:00:00.000Z", "queued");
    run("2026-11-23T03:00:00.000Z", "running");
    run("2026-11-23T04:00:00.000Z", "success");
    run("2026-11-23T05:00:00.000Z", "cancelled");

    const usage = db.prepare("INSERT INTO token_usage (model, cost_usd, created_at) VALUES (?, ?, ?)");
    usage.run("claude-a", 0.1, "2026-11-22T23:59:59.999Z"); // yesterday
    usage.run("claude-a", 0.1, "2026-11-23T00:00:00.000Z");
    usage.run("claude-a", 0.2, "2026-11-23T11:00:00.000Z");
    usage.run("mystery-model", null, "2026-11-23T11:30:00.000Z");

    expect(await statusCounts(sqliteSql(db), now)).toEqual({
      events: { active: 2, paused: 1, disabled: 2, expired: 2 },
      queue: { queued: 2, running: 1, ready: 2 },
      spend_today_usd: 0.3,
    });
  });

  it("spends nothing today when every call of the day is unpriced", async () => {
    const { db } = freshDb();
    db.prepare("INSERT INTO token_usage (model, cost_usd, created_at) VALUES ('mystery', NULL, '2026-11-23T10:00:00.000Z')").run();
    expect((await statusCounts(sqliteSql(db), now)).spend_today_usd).toBe(0);
  });
});
