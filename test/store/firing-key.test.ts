import { describe, expect, it } from "vitest";
import type { Sql } from "../../controller/store/sql/sql.js";
import { fileStoreBackends } from "../support/store-backends.js";

const slot = "2026-11-23T09:00:00.000Z";
const backends = fileStoreBackends();

/** A run row as the scheduler and the CLI insert it; its id comes back through RETURNING, as on both. */
async function insertRun(sql: Sql, eventId: string, trigger: string, scheduledFor = slot): Promise<number> {
  const row = await sql.get<{ id: number }>("INSERT INTO event_runs (event_id, scheduled_for, trigger, status, created_at) VALUES (?, ?, ?, 'queued', ?) RETURNING id", [
    eventId,
    scheduledFor,
    trigger,
    scheduledFor,
  ]);
  return Number(row?.id);
}

/** The error each backend gives for a duplicate key. */
const duplicate = { sqlite: { code: "SQLITE_CONSTRAINT_UNIQUE" }, postgres: { code: "23505", constraint: "event_runs_slot" } } as const;

describe.each(backends)("the firing key (event, scheduled time) on $name", ({ name, missing, open }) => {
  const test = missing ? (title: string, _body: () => Promise<void>) => it.skip(`${title} (needs PostgreSQL: ${missing})`, () => {}) : it;
  const unique = expect.objectContaining(duplicate[name]);

  test("lets one schedule slot run once, whether the scheduler or catch-up fires it", async () => {
    const { sql } = await open();
    await insertRun(sql, "daily", "schedule");
    await expect(insertRun(sql, "daily", "schedule")).rejects.toThrow(unique);
    await expect(insertRun(sql, "daily", "catchup")).rejects.toThrow(unique);
    // Another event, or another slot of this one, is another firing.
    await insertRun(sql, "other", "schedule");
    await insertRun(sql, "daily", "catchup", "2026-11-22T09:00:00.000Z");
    await expect(insertRun(sql, "daily", "schedule", "2026-11-22T09:00:00.000Z")).rejects.toThrow(unique);
    expect((await sql.get<{ n: number }>("SELECT count(*) AS n FROM event_runs"))?.n).toBe(3);
  });

  test("lets a second firing of a slot be skipped by an upsert that names the partial index", async () => {
    const { sql } = await open();
    const fire = () =>
      sql.run(
        `INSERT INTO event_runs (event_id, scheduled_for, trigger, status, created_at) VALUES ('daily', ?, 'schedule', 'queued', ?)
         ON CONFLICT (event_id, scheduled_for) WHERE trigger IN ('schedule', 'catchup') DO NOTHING`,
        [slot, slot],
      );
    expect((await fire()).changes).toBe(1);
    expect((await fire()).changes).toBe(0);
  });

  test("does not key manual, webhook and flow runs: two in the same millisecond, or in a schedule slot, are two runs", async () => {
    const { sql } = await open();
    await insertRun(sql, "daily", "schedule");
    const ids: number[] = [];
    for (const trigger of ["manual", "manual", "webhook", "webhook", "flow", "flow"]) ids.push(await insertRun(sql, "daily", trigger));
    expect(new Set(ids).size).toBe(6);
    expect((await sql.get<{ n: number }>("SELECT count(*) AS n FROM event_runs WHERE event_id = 'daily' AND scheduled_for = ?", [slot]))?.n).toBe(7);
  });
});
