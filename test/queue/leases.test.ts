import { describe, expect, it } from "vitest";
import { claimJob } from "../../controller/queue/claim-job.js";
import { completeJob } from "../../controller/queue/complete-job.js";
import { heartbeatJob } from "../../controller/queue/heartbeat-job.js";
import { queueDepth } from "../../controller/queue/queue-depth.js";
import { lostLeaseError, recoverExpiredLeases } from "../../controller/queue/recover-expired-leases.js";
import { releaseJobs } from "../../controller/queue/release-jobs.js";
import { after, enqueue, freshDb, jobRow, runRow, t0 } from "./helpers.js";

const lease = 10_000;

describe("leases", () => {
  it("a heartbeat extends the lease; a worker that lost it learns so on its next heartbeat", () => {
    const { db } = freshDb();
    const { jobId } = enqueue(db, "daily");
    claimJob(db, "w1", t0, lease);
    expect(heartbeatJob(db, jobId, "w1", after(8_000), lease)).toBe(true);
    expect(jobRow(db, jobId).lease_expires_at).toBe(after(18_000).toISOString());
    expect(recoverExpiredLeases(db, after(15_000))).toEqual({ retried: 0, failed: 0, failedEvents: [], processGroups: [] }); // extended: still w1's
    expect(heartbeatJob(db, jobId, "w2", after(9_000), lease)).toBe(false); // not w2's to extend

    expect(recoverExpiredLeases(db, after(18_001))).toEqual({ retried: 1, failed: 0, failedEvents: [], processGroups: [] });
    expect(heartbeatJob(db, jobId, "w1", after(18_002), lease)).toBe(false);
    expect(completeJob(db, jobId, "w1", after(18_003), { output: "late", durationMs: 0 })).toBe(false);
  });

  it("recovers an expired lease as a retry while attempts remain, then fails the run with the reason", () => {
    const { db } = freshDb();
    const { jobId, runId } = enqueue(db, "crashy", { maxAttempts: 2, runAt: after(-60_000) });
    claimJob(db, "w1", t0, lease);
    expect(recoverExpiredLeases(db, after(lease))).toEqual({ retried: 0, failed: 0, failedEvents: [], processGroups: [] }); // expires_at < now, strictly
    expect(recoverExpiredLeases(db, after(lease + 1))).toEqual({ retried: 1, failed: 0, failedEvents: [], processGroups: [] });
    expect(jobRow(db, jobId)).toMatchObject({ status: "queued", attempts: 1, run_at: after(lease + 1).toISOString(), lease_owner: null, last_error: lostLeaseError });
    expect(runRow(db, runId)).toMatchObject({ status: "queued", error: lostLeaseError });

    expect(claimJob(db, "w2", after(lease + 1), lease)?.attempt).toBe(2);
    const end = after(2 * lease + 2);
    expect(recoverExpiredLeases(db, end)).toEqual({ retried: 0, failed: 1, failedEvents: ["crashy"], processGroups: [] });
    expect(jobRow(db, jobId)).toMatchObject({ status: "failed", attempts: 2 });
    expect(runRow(db, runId)).toMatchObject({ status: "failed", attempt: 2, error: lostLeaseError, finished_at: end.toISOString() });
    expect(claimJob(db, "w3", after(86_400_000), lease)).toBeUndefined();
  });

  it("on shutdown, releases this worker's running jobs without counting the attempt", () => {
    const { db } = freshDb();
    const mine = enqueue(db, "mine", { priority: 1 });
    const theirs = enqueue(db, "theirs", { priority: 2 });
    enqueue(db, "waiting", { priority: 3 });
    claimJob(db, "w1", t0, lease);
    claimJob(db, "w2", t0, lease);
    expect(releaseJobs(db, "w1", after(500))).toBe(1);
    expect(jobRow(db, mine.jobId)).toMatchObject({ status: "queued", attempts: 0, run_at: t0.toISOString(), lease_owner: null, lease_expires_at: null });
    expect(runRow(db, mine.runId)).toMatchObject({ status: "queued", attempt: 0, started_at: null });
    expect(jobRow(db, theirs.jobId)).toMatchObject({ status: "running", lease_owner: "w2" });
    expect(releaseJobs(db, "w1", after(600))).toBe(0);
    // The next start takes it first again (it kept its place), as attempt 1.
    expect(claimJob(db, "w9", after(1_000), lease)).toMatchObject({ jobId: mine.jobId, attempt: 1 });
  });

  it("never loses a job: one claimed by a worker that never comes back is retried and completed", () => {
    const { db } = freshDb();
    const { jobId, runId } = enqueue(db, "daily", { maxAttempts: 3 });
    expect(claimJob(db, "vanished", t0, lease)?.jobId).toBe(jobId);
    // The survivor polls as the pool does: recover, then claim, every second.
    let done = false;
    for (let s = 1; s <= 60 && !done; s++) {
      const now = after(s * 1_000);
      recoverExpiredLeases(db, now);
      const job = claimJob(db, "survivor", now, lease);
      if (job) done = completeJob(db, job.jobId, "survivor", now, { output: "ok", durationMs: 0 });
    }
    expect(done).toBe(true);
    expect(runRow(db, runId)).toMatchObject({ status: "success", attempt: 2, error: null });
    expect(queueDepth(db, after(60_000))).toEqual({ queued: 0, running: 0, success: 1, failed: 0, cancelled: 0, ready: 0 });
  });
});

describe("queueDepth", () => {
  it("counts jobs per status and the queued ones that are ready", () => {
    const { db } = freshDb();
    enqueue(db, "a");
    enqueue(db, "b", { runAt: after(5_000) });
    const c = enqueue(db, "c", { priority: 0 });
    claimJob(db, "w1", t0, lease);
    expect(queueDepth(db, t0)).toEqual({ queued: 2, running: 1, success: 0, failed: 0, cancelled: 0, ready: 1 });
    completeJob(db, c.jobId, "w1", t0, { output: null, durationMs: 0 });
    expect(queueDepth(db, after(5_000))).toMatchObject({ queued: 2, running: 0, success: 1, ready: 2 });
  });
});
