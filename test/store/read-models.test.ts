import { describe, expect, it, onTestFinished } from "vitest";
import { dueEvents } from "../../controller/store/due-events.js";
import { listEvents } from "../../controller/store/list-events.js";
import { usageTotals } from "../../controller/store/metric-counts.js";
import { usageBetween } from "../../controller/store/usage-between.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import { statusCounts } from "../../controller/store/status-counts.js";
import { insertEvent } from "../../controller/store/write-event.js";
import { upsertObject } from "../../controller/store/write-object.js";
import { fileStoreBackends } from "../support/store-backends.js";
import { at, cronEvent, object } from "./helpers.js";

// The cases of read-models-backends.test.ts write plain rows; these go through the applier's
// insertEvent, with expiry in other zones, status precedence, time zones and the queue's counts.

const now = at("2026-11-23T12:00:00.000Z");
const backends = fileStoreBackends();

async function seedEvents(sql: Sql): Promise<void> {
  await insertEvent(sql, cronEvent("active-one", { description: "Morning brief" }), "r", now, at("2026-11-24T09:00:00.000Z"));
  await insertEvent(sql, cronEvent("switched-off", { enabled: false }), "r", now, null);
  await insertEvent(sql, cronEvent("past", { policy: { expires_at: "2026-11-23T12:59:59+02:00" } }), "r", now, null); // 10:59:59Z
  await insertEvent(sql, cronEvent("future", { policy: { expires_at: "2026-11-23T13:00:00Z" } }), "r", now, null);
  await insertEvent(sql, cronEvent("stuck"), "r", now, null);
  await sql.run("UPDATE events SET paused = 1, paused_reason = 'failed 3 times', consecutive_failures = 3 WHERE name = 'stuck'");
  // Disabled wins over expired and paused; expired wins over paused.
  await insertEvent(
    sql,
    cronEvent("off-and-old", {
      enabled: false,
      policy: { expires_at: "2020-01-01T00:00:00Z" },
    }),
    "r",
    now,
    null,
  );
  await insertEvent(
    sql,
    cronEvent("old-and-paused", {
      policy: { expires_at: "2020-01-01T00:00:00Z" },
    }),
    "r",
    now,
    null,
  );
  await sql.run("UPDATE events SET paused = 1 WHERE name = 'old-and-paused'");
}

describe.each(backends)("read models on $name", ({ missing, open }) => {
  const it_ = missing ? (title: string, _body: () => Promise<void>) => it.skip(`${title} (needs PostgreSQL: ${missing})`, () => {}) : it;

  describe("listEvents", () => {
    it_("computes each event's status at now", async () => {
      const { sql } = await open();
      await seedEvents(sql);
      const statuses = Object.fromEntries((await listEvents(sql, now)).map((e) => [e.id, e.status]));
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

    it_("gives the SPEC §10 shape", async () => {
      const { sql } = await open();
      await seedEvents(sql);
      expect(await listEvents(sql, now, { id: "stuck" })).toEqual([
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
      expect((await listEvents(sql, now, { id: "active-one" }))[0]).toMatchObject({
        next_fire_at: "2026-11-24T09:00:00.000Z",
        description: "Morning brief",
      });
    });

    it_("filters by id, status and agent", async () => {
      const { sql } = await open();
      await seedEvents(sql);
      await insertEvent(
        sql,
        {
          ...cronEvent("writer-event"),
          spec: { ...cronEvent("x").spec, agent: "writer" },
        },
        "r",
        now,
        null,
      );
      expect((await listEvents(sql, now, { status: "expired" })).map((e) => e.id)).toEqual(["old-and-paused", "past"]);
      expect((await listEvents(sql, now, { agent: "writer" })).map((e) => e.id)).toEqual(["writer-event"]);
      expect(await listEvents(sql, now, { id: "nope" })).toEqual([]);
    });

    it_("shows a cron event's time zone: its own, else the workspace's, else UTC; none for other conditions", async () => {
      const { sql } = await open();
      const own = cronEvent("own");
      await insertEvent(
        sql,
        {
          ...own,
          spec: {
            ...own.spec,
            condition: {
              type: "cron",
              expr: "0 9 * * *",
              timezone: "Asia/Tokyo",
            },
          },
        },
        "r",
        now,
        null,
      );
      await insertEvent(sql, cronEvent("inherits"), "r", now, null);
      const every = cronEvent("every");
      await insertEvent(
        sql,
        {
          ...every,
          spec: {
            ...every.spec,
            condition: { type: "interval", expr: "15m" },
          },
        },
        "r",
        now,
        null,
      );

      const zones = async () => Object.fromEntries((await listEvents(sql, now)).map((e) => [e.id, e.condition.timezone]));
      expect(await zones()).toEqual({
        own: "Asia/Tokyo",
        inherits: "UTC",
        every: null,
      });

      await upsertObject(
        sql,
        object("workspace", "workspace", {
          name: "ops",
          timezone: "Europe/Paris",
        }),
        "r",
        now,
      );
      expect(await zones()).toEqual({
        own: "Asia/Tokyo",
        inherits: "Europe/Paris",
        every: null,
      });
      expect((await listEvents(sql, now, { id: "every" }))[0]?.condition).toEqual({ type: "interval", expr: "15m", timezone: null });
    });

    it_("keeps a condition's expression with its JSON type, and gives the condition as stored", async () => {
      const { sql } = await open();
      const base = cronEvent("x");
      const withCondition = (name: string, condition: Record<string, unknown>) => insertEvent(sql, { ...base, name, spec: { ...base.spec, condition } }, "r", now, null);
      await withCondition("seconds", { type: "interval", expr: 90 });
      await withCondition("zoned", {
        type: "cron",
        expr: "0 9 * * 1-5",
        timezone: "Europe/Paris",
      });
      await withCondition("hook", { type: "webhook", secret: "test-secret" });

      const byId = Object.fromEntries((await listEvents(sql, now)).map((e) => [e.id, e]));
      // A number of seconds stays a number: "90" would not parse as a duration.
      expect(byId.seconds?.condition).toEqual({
        type: "interval",
        expr: 90,
        timezone: null,
      });
      expect(byId.seconds?.condition_spec).toEqual({
        type: "interval",
        expr: 90,
      });
      expect(byId.zoned?.condition).toEqual({
        type: "cron",
        expr: "0 9 * * 1-5",
        timezone: "Europe/Paris",
      });
      expect(byId.zoned?.condition_spec).toEqual({
        type: "cron",
        expr: "0 9 * * 1-5",
        timezone: "Europe/Paris",
      });
      expect(byId.hook?.condition).toEqual({
        type: "webhook",
        expr: null,
        timezone: null,
      });
      expect(byId.hook?.condition_spec).toEqual({
        type: "webhook",
        secret: "test-secret",
      });
    });
  });

  describe("order by name, whatever the database's collation", () => {
    /**
     * On PostgreSQL, `columns` compare as in a database created with a language's collation (ICU's
     * en-US: case and hyphens weigh less than letters) until the test ends. SQLite compares text by
     * bytes whatever the database, so there is nothing to set.
     */
    async function languageCollation(sql: Sql, columns: [table: string, column: string][]): Promise<void> {
      if (sql.dialect !== "postgres") return;
      for (const [table, column] of columns) {
        await sql.exec(`ALTER TABLE ${table} ALTER COLUMN ${column} TYPE text COLLATE "en-US-x-icu"`);
        onTestFinished(() => sql.exec(`ALTER TABLE ${table} ALTER COLUMN ${column} TYPE text COLLATE "default"`));
      }
    }
    // Byte order; en-US would give a, ab, a-c, B.
    const names = ["B", "a", "a-c", "ab"];

    it_("lists events, pages them and fires due ones in byte order", async () => {
      const { sql } = await open();
      await languageCollation(sql, [["events", "name"]]);
      for (const name of [...names].reverse()) await insertEvent(sql, cronEvent(name), "r", now, at("2026-11-23T11:00:00.000Z"));
      expect((await listEvents(sql, now)).map((e) => e.id)).toEqual(names);
      expect((await listEvents(sql, now, { after: "a", limit: 1 })).map((e) => e.id)).toEqual(["a-c"]);
      expect((await listEvents(sql, now, { after: "a-c" })).map((e) => e.id)).toEqual(["ab"]);
      expect((await dueEvents(sql, now)).map((e) => e.name)).toEqual(names);
    });

    it_("gives usage by model in byte order, and equal costs by agent with no agent first, then in byte order", async () => {
      const { sql } = await open();
      await languageCollation(sql, [
        ["usage_totals", "model"],
        ["token_usage", "model"],
        ["token_usage", "agent"],
      ]);
      for (const name of [...names, null].reverse()) {
        await sql.run("INSERT INTO token_usage (model, agent, cost_usd, created_at) VALUES (?, ?, 0.1, ?)", [name ?? "m", name, now.toISOString()]);
      }
      expect((await usageTotals(sql)).map((t) => t.model)).toEqual([...names, "m"]);
      const usage = await usageBetween(sql, at("2026-11-23T00:00:00.000Z"), null);
      expect(usage.by_model.map((u) => u.model)).toEqual([...names, "m"]);
      expect(usage.by_agent.map((u) => u.agent)).toEqual([null, ...names]);
    });
  });

  describe("statusCounts", () => {
    it_("is all zeros on an empty store", async () => {
      const { sql } = await open();
      expect(await statusCounts(sql, now)).toEqual({
        events: { active: 0, paused: 0, disabled: 0, expired: 0 },
        queue: { queued: 0, running: 0, ready: 0 },
        spend_today_usd: 0,
      });
    });

    it_("counts events by status, jobs by state, and today's spend without unpriced calls", async () => {
      const { sql } = await open();
      await seedEvents(sql);
      const run = async (scheduled: string, status: string) => {
        const row = await sql.get<{ id: number }>("INSERT INTO event_runs (event_id, scheduled_for, status, created_at) VALUES ('stuck', ?, ?, ?) RETURNING id", [
          scheduled,
          status,
          scheduled,
        ]);
        await sql.run("INSERT INTO job_queue (run_id, event_id, status, run_at, created_at, updated_at) VALUES (?, 'stuck', ?, ?, ?, ?)", [
          row?.id,
          status,
          scheduled,
          scheduled,
          scheduled,
        ]);
      };
      await run("2026-11-23T01:00:00.000Z", "queued");
      await run("2026-11-23T02:00:00.000Z", "queued");
      await run("2026-11-23T03:00:00.000Z", "running");
      await run("2026-11-23T04:00:00.000Z", "success");
      await run("2026-11-23T05:00:00.000Z", "cancelled");

      const usage = (model: string, cost: number | null, createdAt: string) =>
        sql.run("INSERT INTO token_usage (model, cost_usd, created_at) VALUES (?, ?, ?)", [model, cost, createdAt]);
      await usage("claude-a", 0.1, "2026-11-22T23:59:59.999Z"); // yesterday
      await usage("claude-a", 0.1, "2026-11-23T00:00:00.000Z");
      await usage("claude-a", 0.2, "2026-11-23T11:00:00.000Z");
      await usage("mystery-model", null, "2026-11-23T11:30:00.000Z");

      expect(await statusCounts(sql, now)).toEqual({
        events: { active: 2, paused: 1, disabled: 2, expired: 2 },
        queue: { queued: 2, running: 1, ready: 2 },
        spend_today_usd: 0.3,
      });
    });

    it_("spends nothing today when every call of the day is unpriced", async () => {
      const { sql } = await open();
      await sql.run("INSERT INTO token_usage (model, cost_usd, created_at) VALUES ('mystery', NULL, '2026-11-23T10:00:00.000Z')");
      expect((await statusCounts(sql, now)).spend_today_usd).toBe(0);
    });
  });
});
