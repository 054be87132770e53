import { describe, expect, it } from "vitest";
import { claimJob } from "../../controller/queue/claim-job.js";
import { enqueueRun } from "../../controller/queue/enqueue-run.js";
import { after, freshDb, jobRow, runRow, t0 } from "./helpers.js";

const slot = { eventId: "daily", scheduledFor: t0, runAt: t0, priority: 5, maxAttempts: 3 };

describe("enqueueRun", () => {
  it("queues one run and one job per schedule slot, whoever fires it and however often", () => {
    const { db } = freshDb();
    const first = enqueueRun(db, { ...slot, trigger: "schedule" }, t0);
    expect(first).toBeDefined();
    expect(enqueueRun(db, { ...slot, trigger: "schedule" }, after(5))).toBeUndefined();
    expect(enqueueRun(db, { ...slot, trigger: "catchup" }, after(10))).toBeUndefined();
    expect(db.prepare("SELECT count(*) FROM event_runs").pluck().get()).toBe(1);
    expect(db.prepare("SELECT count(*) FROM job_queue").pluck().get()).toBe(1);
    // The next slot, or another event's, is another firing.
    expect(enqueueRun(db, { ...slot, trigger: "schedule", scheduledFor: after(60_000) }, t0)).toBeDefined();
    expect(enqueueRun(db, { ...slot, trigger: "catchup", eventId: "other" }, t0)).toBeDefined();
    expect(runRow(db, first!.runId)).toMatchObject({ status: "queued", attempt: 0, started_at: null });
    expect(jobRow(db, first!.jobId)).toMatchObject({ status: "queued", attempts: 0, run_at: t0.toISOString(), lease_owner: null });
  });

  it("always queues manual, webhook and flow runs, even in one millisecond or a schedule slot", () => {
    const { db } = freshDb();
    enqueueRun(db, { ...slot, trigger: "schedule" }, t0);
    const runs = (["manual", "manual", "webhook", "flow"] as const).map((trigger) => enqueueRun(db, { ...slot, trigger }, t0));
    expect(runs.every((r) => r !== undefined)).toBe(true);
    expect(new Set(runs.map((r) => r!.runId)).size).toBe(4);
    expect(db.prepare("SELECT count(*) FROM job_queue").pluck().get()).toBe(5);
  });

  it("keeps the payload, the revision and the trigger for the worker", () => {
    const { db } = freshDb();
    const payload = { ticket: 42, tags: ["a"] };
    const { runId } = enqueueRun(db, { ...slot, trigger: "webhook", payload, revision: "abc123" }, t0)!;
    expect(db.prepare("SELECT revision, trigger FROM event_runs WHERE id = ?").get(runId)).toEqual({ revision: "abc123", trigger: "webhook" });
    expect(claimJob(db, "w1", t0, 60_000)).toMatchObject({ runId, payload, trigger: "webhook", scheduledFor: t0.toISOString() });
    enqueueRun(db, { ...slot, trigger: "manual" }, t0);
    expect(claimJob(db, "w1", t0, 60_000)?.payload).toBeNull();
  });

  it("queues nothing when the job cannot be written (one transaction)", () => {
    const { db } = freshDb();
    // max_attempts NOT NULL: the job insert fails, and the run insert with it.
    expect(() => enqueueRun(db, { ...slot, trigger: "schedule", maxAttempts: null as unknown as number }, t0)).toThrow();
    expect(db.prepare("SELECT count(*) FROM event_runs").pluck().get()).toBe(0);
    expect(enqueueRun(db, { ...slot, trigger: "schedule" }, t0)).toBeDefined();
  });

  it("joins a caller's transaction: a rollback there takes the run back", () => {
    const { db } = freshDb();
    expect(() =>
      db.transaction(() => {
        enqueueRun(db, { ...slot, trigger: "schedule" }, t0);
        throw new Error("scheduler failed after firing");
      })(),
    ).toThrow("scheduler failed");
    expect(db.prepare("SELECT count(*) FROM event_runs").pluck().get()).toBe(0);
  });
});
