import { describe, expect } from "vitest";
import { claimJob } from "../../controller/queue/claim-job.js";
import { enqueueRun } from "../../controller/queue/enqueue-run.js";
import { after, backends, backendTest, jobRow, rowCount, runRow, t0 } from "./helpers.js";

const slot = { eventId: "daily", scheduledFor: t0, runAt: t0, priority: 5, maxAttempts: 3 };

describe.each(backends)("enqueueRun on $name", (backend) => {
  const test = backendTest(backend, "test/queue/enqueue-run");

  test("queues one run and one job per schedule slot, whoever fires it and however often", async () => {
    const { sql } = await backend.open();
    const first = await enqueueRun(sql, { ...slot, trigger: "schedule" }, t0);
    expect(first).toBeDefined();
    expect(await enqueueRun(sql, { ...slot, trigger: "schedule" }, after(5))).toBeUndefined();
    expect(await enqueueRun(sql, { ...slot, trigger: "catchup" }, after(10))).toBeUndefined();
    expect(await rowCount(sql, "event_runs")).toBe(1);
    expect(await rowCount(sql, "job_queue")).toBe(1);
    // The next slot, or another event's, is another firing.
    expect(await enqueueRun(sql, { ...slot, trigger: "schedule", scheduledFor: after(60_000) }, t0)).toBeDefined();
    expect(await enqueueRun(sql, { ...slot, trigger: "catchup", eventId: "other" }, t0)).toBeDefined();
    expect(await runRow(sql, first!.runId)).toMatchObject({ status: "queued", attempt: 0, started_at: null });
    expect(await jobRow(sql, first!.jobId)).toMatchObject({ status: "queued", attempts: 0, run_at: t0.toISOString(), lease_owner: null });
  });

  test("always queues manual, webhook and flow runs, even in one millisecond or a schedule slot", async () => {
    const { sql } = await backend.open();
    await enqueueRun(sql, { ...slot, trigger: "schedule" }, t0);
    const runs = [];
    for (const trigger of ["manual", "manual", "webhook", "flow"] as const) runs.push(await enqueueRun(sql, { ...slot, trigger }, t0));
    expect(runs.every((r) => r !== undefined)).toBe(true);
    expect(new Set(runs.map((r) => r!.runId)).size).toBe(4);
    expect(await rowCount(sql, "job_queue")).toBe(5);
  });

  test("keeps the payload, the revision and the trigger for the worker", async () => {
    const { sql } = await backend.open();
    const payload = { ticket: 42, tags: ["a"] };
    const { runId } = (await enqueueRun(sql, { ...slot, trigger: "webhook", payload, revision: "abc123" }, t0))!;
    expect(await sql.get("SELECT revision, trigger FROM event_runs WHERE id = ?", [runId])).toEqual({ revision: "abc123", trigger: "webhook" });
    expect(await claimJob(sql, "w1", t0, 60_000)).toMatchObject({ runId, payload, trigger: "webhook", scheduledFor: t0.toISOString() });
    await enqueueRun(sql, { ...slot, trigger: "manual" }, t0);
    expect((await claimJob(sql, "w1", t0, 60_000))?.payload).toBeNull();
  });

  test("queues nothing when the job cannot be written (one transaction)", async () => {
    const { sql } = await backend.open();
    // max_attempts NOT NULL: the job insert fails, and the run insert with it.
    await expect(enqueueRun(sql, { ...slot, trigger: "schedule", maxAttempts: null as unknown as number }, t0)).rejects.toThrow();
    expect(await rowCount(sql, "event_runs")).toBe(0);
    expect(await enqueueRun(sql, { ...slot, trigger: "schedule" }, t0)).toBeDefined();
  });

  test("joins a caller's transaction: a rollback there takes the run back", async () => {
    const { sql } = await backend.open();
    await expect(
      sql.transaction(async (tx) => {
        await enqueueRun(tx, { ...slot, trigger: "schedule" }, t0);
        throw new Error("scheduler failed after firing");
      }),
    ).rejects.toThrow("scheduler failed");
    expect(await rowCount(sql, "event_runs")).toBe(0);
  });
});
