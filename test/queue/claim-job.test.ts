import { describe, expect, it } from "vitest";
import { claimJob } from "../../controller/queue/claim-job.js";
import { completeJob } from "../../controller/queue/complete-job.js";
import { openDatabase } from "../../controller/store/open-database.js";
import { after, enqueue, freshDb, jobRow, runRow, t0, track } from "./helpers.js";

const lease = 60_000;

describe("claimJob", () => {
  it("takes the lowest priority first, then the earliest run_at, then the oldest", () => {
    const { db } = freshDb();
    const late = enqueue(db, "late", { priority: 5, runAt: after(-1_000) });
    const early = enqueue(db, "early", { priority: 5, runAt: after(-5_000) });
    const urgent = enqueue(db, "urgent", { priority: 1, runAt: t0 });
    const tieA = enqueue(db, "tie-a", { priority: 9, runAt: t0 });
    const tieB = enqueue(db, "tie-b", { priority: 9, runAt: t0 });
    const order = [urgent, early, late, tieA, tieB].map((j) => j.jobId);
    const claimed = order.map(() => claimJob(db, "w1", t0, lease)?.jobId);
    expect(claimed).toEqual(order);
    expect(claimJob(db, "w1", t0, lease)).toBeUndefined();
  });

  it("does not take a job before its run_at", () => {
    const { db } = freshDb();
    const { jobId } = enqueue(db, "later", { runAt: after(10_000) });
    expect(claimJob(db, "w1", after(9_999), lease)).toBeUndefined();
    expect(claimJob(db, "w1", after(10_000), lease)?.jobId).toBe(jobId);
  });

  it("leases the job, counts the attempt, and marks the run running", () => {
    const { db } = freshDb();
    const { jobId, runId } = enqueue(db, "daily", { maxAttempts: 4 });
    const now = after(1_000);
    expect(claimJob(db, "w1", now, lease)).toEqual({
      jobId,
      runId,
      eventId: "daily",
      attempt: 1,
      maxAttempts: 4,
      payload: null,
      scheduledFor: t0.toISOString(),
      trigger: "manual",
    });
    expect(jobRow(db, jobId)).toMatchObject({ status: "running", attempts: 1, lease_owner: "w1", lease_expires_at: after(lease, now).toISOString() });
    expect(runRow(db, runId)).toMatchObject({ status: "running", attempt: 1, started_at: now.toISOString() });
  });

  it("runs at most one job per concurrency key, across events, and others meanwhile", () => {
    const { db } = freshDb();
    const a = enqueue(db, "digest-a", { concurrencyKey: "digest", priority: 1 });
    const b = enqueue(db, "digest-b", { concurrencyKey: "digest", priority: 1 });
    const free = enqueue(db, "free", { priority: 9 });
    const other = enqueue(db, "other-key", { concurrencyKey: "backup", priority: 9 });
    expect(claimJob(db, "w1", t0, lease)?.jobId).toBe(a.jobId);
    // b is first in order, but its key is busy.
    expect(claimJob(db, "w2", t0, lease)?.jobId).toBe(free.jobId);
    expect(claimJob(db, "w3", t0, lease)?.jobId).toBe(other.jobId);
    expect(claimJob(db, "w4", t0, lease)).toBeUndefined();
    expect(completeJob(db, a.jobId, "w1", after(10), { output: "ok", durationMs: 10 })).toBe(true);
    expect(claimJob(db, "w4", after(20), lease)?.jobId).toBe(b.jobId);
  });

  it("never gives one job to two claimers on two connections", () => {
    const { db, path } = freshDb();
    const other = track(openDatabase(path));
    const total = 300;
    for (let i = 0; i < total; i++) enqueue(db, `event-${i % 7}`, { priority: i % 3 });
    const seen = new Map<number, string>();
    const workers = [
      { id: "a", db },
      { id: "b", db: other },
    ];
    for (let round = 0; seen.size < total && round < total * 2; round++) {
      for (const worker of workers) {
        const job = claimJob(worker.db, worker.id, t0, lease);
        if (!job) continue;
        expect(seen.has(job.jobId), `job ${job.jobId} claimed twice`).toBe(false);
        seen.set(job.jobId, worker.id);
        // Every other job stays running, so the two see a queue the other keeps changing.
        if (job.jobId % 2 === 0) completeJob(worker.db, job.jobId, worker.id, t0, { output: null, durationMs: 0 });
      }
    }
    expect(seen.size).toBe(total);
    expect(new Set(seen.values())).toEqual(new Set(["a", "b"]));
    expect(claimJob(db, "a", t0, lease)).toBeUndefined();
    expect(claimJob(other, "b", t0, lease)).toBeUndefined();
  });

  it("fails clearly while another connection holds the write lock, never acting on a stale pick", () => {
    const { db, path } = freshDb();
    const other = track(openDatabase(path));
    const { jobId } = enqueue(db, "daily");
    // `other` holds the write lock: the claim waits out busy_timeout, then fails with SQLITE_BUSY.
    other.pragma("busy_timeout = 0");
    db.pragma("busy_timeout = 50");
    other.exec("BEGIN IMMEDIATE");
    expect(() => claimJob(db, "a", t0, lease)).toThrow(expect.objectContaining({ code: "SQLITE_BUSY" }));
    expect(claimJob(other, "b", t0, lease)?.jobId).toBe(jobId);
    other.exec("COMMIT");
    expect(claimJob(db, "a", t0, lease)).toBeUndefined();
    expect(jobRow(db, jobId).lease_owner).toBe("b");
  });
});
