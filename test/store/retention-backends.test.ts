import { describe, expect } from "vitest";
import { Retention } from "../../controller/store/retention.js";
import { retentionSettings } from "../../controller/store/retention-settings.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import { upsertObject } from "../../controller/store/write-object.js";
import { FakeClock } from "../support/fake-clock.js";
import { backends, testOn } from "./backends.js";
import { object } from "./helpers.js";

const day = 86_400_000;
const now = Date.parse("2026-11-23T10:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();

/** A run and its job of `event`, created `ageMs` before now; finished ones ended a second after. Ids come back through RETURNING, as on both. */
async function addRun(sql: Sql, event: string, status: string, ageMs: number): Promise<number> {
  const at = now - ageMs;
  const finished = ["success", "failed", "cancelled"].includes(status) ? iso(at + 1000) : null;
  const row = await sql.get<{ id: number }>(
    "INSERT INTO event_runs (event_id, scheduled_for, trigger, status, finished_at, created_at) VALUES (?, ?, 'manual', ?, ?, ?) RETURNING id",
    [event, iso(at), status, finished, iso(at)],
  );
  const id = Number(row?.id);
  await sql.run("INSERT INTO job_queue (run_id, event_id, status, run_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)", [id, event, status, iso(at), iso(at), iso(at)]);
  return id;
}

const runIds = async (sql: Sql) => (await sql.all<{ id: number }>("SELECT id FROM event_runs ORDER BY id")).map((r) => Number(r.id));

describe.each(backends)("retention on $name", ({ missing, open }) => {
  const it = testOn(missing);

  it("reads the applied manifest's retention, and falls back to the defaults", async () => {
    const sql = await open();
    expect(await retentionSettings(sql)).toEqual({ runsMs: 30 * day, maxRunsPerEvent: 1000 });
    await upsertObject(sql, object("workspace", "workspace", { name: "ops", retention: { runs: "7d", max_runs_per_event: 2 } }), "r1", new Date(now));
    expect(await retentionSettings(sql)).toEqual({ runsMs: 7 * day, maxRunsPerEvent: 2 });
  });

  it("deletes old finished runs with their jobs and messages, then runs over the cap, and old webhook ids; keeps the rest", async () => {
    const sql = await open();
    await upsertObject(sql, object("workspace", "workspace", { name: "ops", retention: { runs: "7d", max_runs_per_event: 2 } }), "r1", new Date(now));
    const old = await addRun(sql, "a", "success", 10 * day);
    const oldRunning = await addRun(sql, "a", "running", 10 * day);
    await addRun(sql, "a", "failed", 3 * day); // over the cap of 2
    const a2 = await addRun(sql, "a", "success", 2 * day);
    const a3 = await addRun(sql, "a", "success", day);
    const b1 = await addRun(sql, "b", "success", day);
    const session = await sql.get<{ id: number }>("INSERT INTO chat_sessions (session_key, created_at, updated_at) VALUES ('s', ?, ?) RETURNING id", [iso(now), iso(now)]);
    await sql.run("INSERT INTO chat_messages (session_id, run_id, role, content, created_at) VALUES (?, ?, 'user', 'hi', ?)", [session?.id, old, iso(now)]);
    await sql.run("INSERT INTO webhook_ids (event_id, webhook_id, seen_at) VALUES ('hook', 'old', ?), ('hook', 'new', ?)", [iso(now - 2 * day), iso(now)]);

    const retention = new Retention(sql, { clock: new FakeClock(now), batchSize: 2 });
    const report = await retention.prune();
    await retention.stop();

    expect(report).toMatchObject({ expiredRuns: 1, overCapRuns: 1, webhookIds: 1 });
    expect(await runIds(sql)).toEqual([oldRunning, a2, a3, b1]);
    expect(await sql.all("SELECT run_id FROM chat_messages")).toEqual([]);
    expect((await sql.all<{ run_id: number }>("SELECT run_id FROM job_queue ORDER BY run_id")).map((r) => Number(r.run_id))).toEqual([oldRunning, a2, a3, b1]);
    expect(await sql.all("SELECT webhook_id FROM webhook_ids")).toEqual([{ webhook_id: "new" }]);
  });
});
