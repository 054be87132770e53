import { describe, expect } from "vitest";
import { claimJob } from "../../controller/queue/claim-job.js";
import { completeJobAndRecord } from "../../controller/queue/complete-job.js";
import { enqueueRun } from "../../controller/queue/enqueue-run.js";
import { recordRunOutcome } from "../../controller/store/record-run-outcome.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import { insertEvent } from "../../controller/store/write-event.js";
import { backendTest, storeBackends } from "../support/store-backends.js";
import { at, cronEvent } from "./helpers.js";

const t0 = at("2026-12-03T08:00:00.000Z");
const after = (ms: number): Date => new Date(t0.getTime() + ms);

const eventState = (sql: Sql) =>
  sql.get<{ consecutive_failures: number; last_run_status: string | null; last_run_at: string | null }>(
    "SELECT consecutive_failures, last_run_status, last_run_at FROM events WHERE name = 'busy'",
  );

describe.each(storeBackends)("an event's last run on $name", (backend) => {
  const it = backendTest(backend, "test/store/run-outcome");

  it("a busy event's successes stamp its last run at most once a second; a failure and the success after it, at once", async () => {
    const sql = await backend.open();
    await insertEvent(sql, cronEvent("busy"), "rev1", t0, after(3_600_000));
    const success = (ms: number) => recordRunOutcome(sql, "busy", { success: true, at: after(ms), pauseAfter: 0 });

    await success(0);
    expect(await eventState(sql)).toEqual({ consecutive_failures: 0, last_run_status: "success", last_run_at: "2026-12-03T08:00:00.000Z" });
    // Within the second: the row already says so; it is not written again.
    await success(400);
    expect((await eventState(sql))?.last_run_at).toBe("2026-12-03T08:00:00.000Z");
    await success(1_500);
    expect((await eventState(sql))?.last_run_at).toBe("2026-12-03T08:00:01.500Z");

    await recordRunOutcome(sql, "busy", { success: false, at: after(1_600), pauseAfter: 3, error: "boom" });
    expect(await eventState(sql)).toEqual({ consecutive_failures: 1, last_run_status: "failed", last_run_at: "2026-12-03T08:00:01.600Z" });
    // A success right after a failure changes the row's state: written at once.
    await success(1_700);
    expect(await eventState(sql)).toEqual({ consecutive_failures: 0, last_run_status: "success", last_run_at: "2026-12-03T08:00:01.700Z" });
  });

  it("the worker's completion (one statement on PostgreSQL) follows the same rule", async () => {
    const sql = await backend.open();
    await insertEvent(sql, cronEvent("busy"), "rev1", t0, after(3_600_000));
    await sql.run("UPDATE events SET consecutive_failures = 2, last_run_status = 'failed' WHERE name = 'busy'");
    for (let i = 0; i < 3; i++) await enqueueRun(sql, { eventId: "busy", scheduledFor: t0, trigger: "manual", runAt: t0, priority: 5, maxAttempts: 1 }, t0);
    const complete = async (ms: number) => {
      const job = await claimJob(sql, "worker-1", after(ms), 60_000);
      if (!job) throw new Error("no job to claim");
      expect(await completeJobAndRecord(sql, job, "worker-1", () => after(ms), { output: "ok", durationMs: 1 })).toBe(true);
    };

    await complete(0);
    expect(await eventState(sql)).toEqual({ consecutive_failures: 0, last_run_status: "success", last_run_at: "2026-12-03T08:00:00.000Z" });
    await complete(999);
    expect((await eventState(sql))?.last_run_at).toBe("2026-12-03T08:00:00.000Z");
    await complete(1_000);
    expect((await eventState(sql))?.last_run_at).toBe("2026-12-03T08:00:01.000Z");
    // Every run is recorded whatever the event's row says.
    expect(await sql.all("SELECT status FROM event_runs ORDER BY id")).toEqual([{ status: "success" }, { status: "success" }, { status: "success" }]);
  });
});
