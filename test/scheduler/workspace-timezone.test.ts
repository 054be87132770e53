import { describe, expect } from "vitest";
import { fireDueEvents } from "../../controller/scheduler/fire-due-events.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import { insertEvent } from "../../controller/store/write-event.js";
import { at, cronEvent } from "../store/helpers.js";
import { backendTest, storeBackends } from "../support/store-backends.js";

/** nexaas.yaml's row as the applier writes it, or as an edit out of band left it. */
async function setSettings(sql: Sql, spec: string): Promise<void> {
  await sql.run("INSERT INTO workspace_settings (name, layer, revision, digest, file, spec, updated_at) VALUES ('workspace', 'workspace', 'r', 'd', 'nexaas.yaml', ?, '2026-12-03T00:00:00.000Z')", [spec]);
}

describe.each(storeBackends)("the workspace's time zone on $name", (backend) => {
  const it = backendTest(backend, "test/scheduler/workspace-timezone");

  it("a cron event with no zone of its own fires at 09:00 in nexaas.yaml's zone", async () => {
    const sql = await backend.open();
    await setSettings(sql, JSON.stringify({ name: "ops", timezone: "Europe/Paris" }));
    await insertEvent(sql, cronEvent("daily"), "rev1", at("2026-12-03T06:00:00.000Z"), at("2026-12-03T08:00:00.000Z"));
    expect((await fireDueEvents(sql, at("2026-12-03T08:00:01.000Z"))).map((f) => f.eventId)).toEqual(["daily"]);
    // 09:00 in Paris is 08:00 UTC in December: the next is tomorrow's.
    expect(await sql.get("SELECT next_fire_at FROM events WHERE name = 'daily'")).toEqual({ next_fire_at: "2026-12-04T08:00:00.000Z" });
  });

  it("a settings row mangled out of band reads as UTC until the next apply: the scheduler goes on firing", async () => {
    const sql = await backend.open();
    await setSettings(sql, '{"name": "ops", "timezone": "Europe/Par');
    await insertEvent(sql, cronEvent("daily"), "rev1", at("2026-12-03T06:00:00.000Z"), at("2026-12-03T08:00:00.000Z"));
    expect((await fireDueEvents(sql, at("2026-12-03T08:00:01.000Z"))).map((f) => f.eventId)).toEqual(["daily"]);
    expect(await sql.get("SELECT next_fire_at FROM events WHERE name = 'daily'")).toEqual({ next_fire_at: "2026-12-03T09:00:00.000Z" });
  });
});
