import { describe, expect, it } from "vitest";
import { cancelQueuedJobs } from "../../controller/store/cancel-queued-jobs.js";
import { lastRuns } from "../../controller/store/list-events.js";
import { readEventRuntime } from "../../controller/store/read-event-runtime.js";
import { readObjects } from "../../controller/store/read-objects.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import { conditionDigest, deleteEvent, insertEvent, updateEventDefinition } from "../../controller/store/write-event.js";
import { fileStoreBackends } from "../support/store-backends.js";
import { at, cronEvent } from "./helpers.js";

const now = at("2026-11-23T08:00:00.000Z");
const later = at("2026-11-23T08:30:00.000Z");
const backends = fileStoreBackends();

/** The scheduler's part, written the way it will: by SQL, not through the applier's functions. */
async function setRuntime(sql: Sql, name: string): Promise<void> {
  await sql.run("UPDATE events SET next_fire_at = '2026-11-24T09:00:00.000Z', consecutive_failures = 2, paused = 1, paused_reason = 'failed 2 times' WHERE name = ?", [name]);
}

/** An out-of-band edit of an event's spec, as an operator's UPDATE would make it: the stored text rewritten. */
async function editSpec(sql: Sql, name: string, edit: (spec: Record<string, unknown>) => unknown): Promise<void> {
  const row = await sql.get<{ spec: string }>("SELECT spec FROM events WHERE name = ?", [name]);
  const spec = JSON.parse(row?.spec ?? "{}") as Record<string, unknown>;
  const edited = edit(spec);
  await sql.run("UPDATE events SET spec = ? WHERE name = ?", [typeof edited === "string" ? edited : JSON.stringify(edited ?? spec), name]);
}

/** How each backend refuses a write: SQLite by message, PostgreSQL by SQLSTATE. */
const refusal = {
  sqlite: {
    generated: /cannot UPDATE generated column/,
    check: /CHECK constraint failed/,
    notNull: /NOT NULL constraint failed/,
    json: /malformed JSON/,
  },
  postgres: {
    generated: expect.objectContaining({ code: "428C9" }),
    check: expect.objectContaining({ code: "23514" }),
    notNull: expect.objectContaining({ code: "23502" }),
    json: expect.objectContaining({ code: "22P02" }),
  },
} as const;

describe.each(backends)("events on $name", ({ name: backend, missing, open }) => {
  const it_ = missing ? (title: string, _body: () => Promise<void>) => it.skip(`${title} (needs PostgreSQL: ${missing})`, () => {}) : it;
  const refused = refusal[backend];

  describe("event definitions", () => {
    it_("stores the first fire time and the columns queries filter on", async () => {
      const { sql } = await open();
      await insertEvent(sql, cronEvent("daily", { enabled: false, origin: "followups" }), "rev1", now, at("2026-11-23T09:00:00.000Z"));
      const row = await sql.get("SELECT agent, condition_type, enabled, origin, next_fire_at, created_at FROM events");
      expect(row).toEqual({
        agent: "helper",
        condition_type: "cron",
        enabled: 0,
        origin: "followups",
        next_fire_at: "2026-11-23T09:00:00.000Z",
        created_at: "2026-11-23T08:00:00.000Z",
      });
    });

    it_("takes the agent from the action when the event names none, and defaults enabled and origin", async () => {
      const { sql } = await open();
      const event = cronEvent("x");
      const spec = { condition: event.spec.condition, action: { type: "claude_chat", prompt: "hi", agent: "writer" } };
      await insertEvent(sql, { ...event, spec }, "rev1", now, null);
      expect(await sql.get("SELECT agent, enabled, origin FROM events")).toEqual({ agent: "writer", enabled: 1, origin: "events" });
    });

    it_("generates agent, condition type, enabled and origin from the spec: they follow it and cannot be written", async () => {
      const { sql } = await open();
      await insertEvent(sql, cronEvent("daily", { enabled: false, origin: "followups" }), "rev1", now, at("2026-11-23T09:00:00.000Z"));
      const columns = () => sql.get("SELECT agent, condition_type, enabled, origin FROM events WHERE name = 'daily'");

      // Out of band: the digest covers only the spec, so a writable copy could be changed unnoticed.
      for (const statement of [
        "UPDATE events SET enabled = 1",
        "UPDATE events SET agent = 'someone-else'",
        "UPDATE events SET condition_type = 'interval'",
        "UPDATE events SET origin = 'events'",
      ]) {
        await expect(sql.run(statement), statement).rejects.toThrow(refused.generated);
      }
      expect(await columns()).toEqual({ agent: "helper", condition_type: "cron", enabled: 0, origin: "followups" });

      // An edit of the spec moves them with it (and so shows as drift through the digest).
      if (backend === "sqlite") {
        // SQLite's own JSON functions, as an operator would edit the row in the sqlite3 shell.
        await sql.run(
          `UPDATE events SET spec = json_remove(json_set(spec, '$.enabled', json('true'), '$.action.agent', 'writer',
             '$.condition', json('{"type":"interval","expr":90}')), '$.agent', '$.origin')`,
        );
      } else {
        await editSpec(sql, "daily", ({ agent: _agent, origin: _origin, ...spec }) => ({
          ...spec,
          enabled: true,
          action: { ...(spec.action as Record<string, unknown>), agent: "writer" },
          condition: { type: "interval", expr: 90 },
        }));
      }
      expect(await columns()).toEqual({ agent: "writer", condition_type: "interval", enabled: 1, origin: "events" });
      await editSpec(sql, "daily", (spec) => ({ ...spec, enabled: false }));
      expect(await columns()).toMatchObject({ enabled: 0 });
      // The scheduler's index of due events follows too: a disabled event is not in it.
      const due = async () => (await sql.all<{ name: string }>("SELECT name FROM events WHERE enabled = 1 AND paused = 0 ORDER BY next_fire_at")).map((r) => r.name);
      expect(await due()).toEqual([]);
      await editSpec(sql, "daily", ({ enabled: _enabled, ...spec }) => spec);
      expect(await due()).toEqual(["daily"]);
    });

    it_("refuses a spec edited out of band into something that is not an event", async () => {
      const { sql } = await open();
      await insertEvent(sql, cronEvent("daily"), "rev1", now, null);
      if (backend === "sqlite") {
        // The same edits through SQLite's JSON functions, as in the sqlite3 shell.
        await expect(sql.run("UPDATE events SET spec = json_set(spec, '$.condition.type', 'hourly')")).rejects.toThrow(refused.check);
        await expect(sql.run("UPDATE events SET spec = json_set(spec, '$.origin', 'elsewhere')")).rejects.toThrow(refused.check);
        await expect(sql.run("UPDATE events SET spec = json_set(spec, '$.enabled', 'no')")).rejects.toThrow(refused.check);
        await expect(sql.run("UPDATE events SET spec = json_remove(spec, '$.condition')")).rejects.toThrow(refused.notNull);
      }
      await expect(editSpec(sql, "daily", (spec) => ({ ...spec, condition: { ...(spec.condition as object), type: "hourly" } }))).rejects.toThrow(refused.check);
      await expect(editSpec(sql, "daily", (spec) => ({ ...spec, origin: "elsewhere" }))).rejects.toThrow(refused.check);
      await expect(editSpec(sql, "daily", (spec) => ({ ...spec, enabled: "no" }))).rejects.toThrow(refused.check);
      await expect(editSpec(sql, "daily", (spec) => ({ ...spec, enabled: 2 }))).rejects.toThrow(refused.check);
      await expect(editSpec(sql, "daily", ({ condition: _condition, ...spec }) => spec)).rejects.toThrow(refused.notNull);
      await expect(sql.run("UPDATE events SET spec = 'not json'")).rejects.toThrow(refused.json);
      expect((await readObjects(sql))[0]).toMatchObject({ spec: cronEvent("daily").spec });
    });

    it_("keeps next fire time, failures and pause when only the rest of the definition changed", async () => {
      const { sql } = await open();
      const v1 = cronEvent("daily");
      await insertEvent(sql, v1, "rev1", now, at("2026-11-23T09:00:00.000Z"));
      await setRuntime(sql, "daily");

      const v2 = cronEvent("daily", { description: "now described", action: { type: "claude_chat", prompt: "hello" } });
      expect(conditionDigest(v2.spec)).toBe(conditionDigest(v1.spec));
      await updateEventDefinition(sql, v2, "rev2", later, false, null);

      expect(await readEventRuntime(sql, "daily")).toEqual({
        next_fire_at: "2026-11-24T09:00:00.000Z",
        consecutive_failures: 2,
        paused: 1,
        paused_reason: "failed 2 times",
        condition_digest: conditionDigest(v1.spec),
      });
      const [stored] = await readObjects(sql);
      expect(stored).toMatchObject({ spec: v2.spec, digest: v2.digest, actualDigest: v2.digest, revision: "rev2" });
    });

    it_("replaces only the next fire time when the condition changed", async () => {
      const { sql } = await open();
      const v1 = cronEvent("daily");
      await insertEvent(sql, v1, "rev1", now, at("2026-11-23T09:00:00.000Z"));
      await setRuntime(sql, "daily");

      const v2 = cronEvent("daily", {}, "*/5 * * * *");
      expect(conditionDigest(v2.spec)).not.toBe(conditionDigest(v1.spec));
      await updateEventDefinition(sql, v2, "rev2", later, true, at("2026-11-23T08:35:00.000Z"));

      expect(await readEventRuntime(sql, "daily")).toEqual({
        next_fire_at: "2026-11-23T08:35:00.000Z",
        consecutive_failures: 2,
        paused: 1,
        paused_reason: "failed 2 times",
        condition_digest: conditionDigest(v2.spec),
      });
    });

    it_("reads no runtime for an event that does not exist", async () => {
      const { sql } = await open();
      expect(await readEventRuntime(sql, "nope")).toBeUndefined();
    });
  });

  describe("deleting an event", () => {
    async function enqueue(sql: Sql, eventId: string, scheduledFor: string, status: "queued" | "running" | "success", runStatus: string = status): Promise<number> {
      const run = await sql.get<{ id: number }>("INSERT INTO event_runs (event_id, scheduled_for, status, attempt, created_at) VALUES (?, ?, ?, 1, ?) RETURNING id", [
        eventId,
        scheduledFor,
        runStatus,
        scheduledFor,
      ]);
      const id = Number(run?.id);
      await sql.run("INSERT INTO job_queue (run_id, event_id, status, run_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)", [
        id,
        eventId,
        status,
        scheduledFor,
        scheduledFor,
        scheduledFor,
      ]);
      return id;
    }

    it_("cancels queued jobs and their runs, lets running ones finish, and keeps the history", async () => {
      const { sql } = await open();
      await insertEvent(sql, cronEvent("daily"), "rev1", now, null);
      await insertEvent(sql, cronEvent("other"), "rev1", now, null);
      const done = await enqueue(sql, "daily", "2026-11-21T09:00:00.000Z", "success");
      const running = await enqueue(sql, "daily", "2026-11-22T09:00:00.000Z", "running");
      const queued = await enqueue(sql, "daily", "2026-11-23T09:00:00.000Z", "queued");
      const otherQueued = await enqueue(sql, "other", "2026-11-23T09:00:00.000Z", "queued");

      expect(await cancelQueuedJobs(sql, "daily", later)).toBe(1);
      await deleteEvent(sql, "daily");

      expect(await readEventRuntime(sql, "daily")).toBeUndefined();
      const runs = await lastRuns(sql, "daily", 10);
      expect(runs.map((r) => [r.id, r.status])).toEqual([
        [queued, "cancelled"],
        [running, "running"],
        [done, "success"],
      ]);
      expect(runs[0]?.finished_at).toBe("2026-11-23T08:30:00.000Z");
      const jobs = await sql.all("SELECT run_id, status FROM job_queue ORDER BY run_id");
      expect(jobs).toEqual([
        { run_id: done, status: "success" },
        { run_id: running, status: "running" },
        { run_id: queued, status: "cancelled" },
        { run_id: otherQueued, status: "queued" },
      ]);
      expect((await lastRuns(sql, "other", 10)).map((r) => r.status)).toEqual(["queued"]);
    });

    it_("cancels a run waiting for a retry: its job is queued again, so nothing is executing it", async () => {
      const { sql } = await open();
      await insertEvent(sql, cronEvent("daily"), "rev1", now, null);
      const retrying = await enqueue(sql, "daily", "2026-11-23T08:00:00.000Z", "queued", "running");
      expect(await cancelQueuedJobs(sql, "daily", later)).toBe(1);
      expect((await lastRuns(sql, "daily", 10)).map((r) => [r.id, r.status])).toEqual([[retrying, "cancelled"]]);
    });

    it_("cancels nothing for an event without queued jobs", async () => {
      const { sql } = await open();
      expect(await cancelQueuedJobs(sql, "nothing", later)).toBe(0);
    });
  });
});
