import { describe, expect } from "vitest";
import { claimJob } from "../../controller/queue/claim-job.js";
import { completeJob } from "../../controller/queue/complete-job.js";
import { heartbeatJob } from "../../controller/queue/heartbeat-job.js";
import { expireOrphanedLeases } from "../../controller/queue/process-groups.js";
import { queueDepth } from "../../controller/queue/queue-depth.js";
import { lostLeaseError, recoverExpiredLeases } from "../../controller/queue/recover-expired-leases.js";
import { releaseJobs } from "../../controller/queue/release-jobs.js";
import { after, backends, backendTest, enqueue, jobRow, runRow, t0 } from "./helpers.js";

const lease = 10_000;
const nothing = { retried: 0, failed: 0, failedEvents: [], processGroups: [] };

describe.each(backends)("leases on $name", (backend) => {
  const test = backendTest(backend, "test/queue/leases");

  test("a controller starting up expires the running jobs it finds only on SQLite, where it owns the database alone", async () => {
    const { sql } = await backend.open();
    const { jobId } = await enqueue(sql, "long");
    await claimJob(sql, "another-controller", t0, lease);
    const orphans = await expireOrphanedLeases(sql);
    if (backend.name === "sqlite") {
      expect(orphans.jobs).toBe(1);
      expect((await jobRow(sql, jobId))?.lease_expires_at).toBe("0000-01-01T00:00:00.000Z");
    } else {
      // On PostgreSQL that job is a live controller's: its lease is left to run.
      expect(orphans).toEqual({ jobs: 0, groups: [] });
      expect((await jobRow(sql, jobId))?.lease_expires_at).toBe(after(lease).toISOString());
    }
  });

  test("a heartbeat extends the lease; a worker that lost it learns so on its next heartbeat", async () => {
    const { sql } = await backend.open();
    const { jobId } = await enqueue(sql, "daily");
    await claimJob(sql, "w1", t0, lease);
    expect(await heartbeatJob(sql, jobId, "w1", after(8_000), lease)).toBe(true);
    expect((await jobRow(sql, jobId))?.lease_expires_at).toBe(after(18_000).toISOString());
    expect(await recoverExpiredLeases(sql, after(15_000))).toEqual(nothing); // extended: still w1's
    expect(await heartbeatJob(sql, jobId, "w2", after(9_000), lease)).toBe(false); // not w2's to extend

    expect(await recoverExpiredLeases(sql, after(18_001))).toEqual({ ...nothing, retried: 1 });
    expect(await heartbeatJob(sql, jobId, "w1", after(18_002), lease)).toBe(false);
    expect(await completeJob(sql, jobId, "w1", after(18_003), { output: "late", durationMs: 0 })).toBe(false);
  });

  test("recovers an expired lease as a retry while attempts remain, then fails the run with the reason", async () => {
    const { sql } = await backend.open();
    const { jobId, runId } = await enqueue(sql, "crashy", { maxAttempts: 2, runAt: after(-60_000) });
    await claimJob(sql, "w1", t0, lease);
    expect(await recoverExpiredLeases(sql, after(lease))).toEqual(nothing); // expires_at < now, strictly
    expect(await recoverExpiredLeases(sql, after(lease + 1))).toEqual({ ...nothing, retried: 1 });
    expect(await jobRow(sql, jobId)).toMatchObject({ status: "queued", attempts: 1, run_at: after(lease + 1).toISOString(), lease_owner: null, last_error: lostLeaseError });
    expect(await runRow(sql, runId)).toMatchObject({ status: "queued", error: lostLeaseError });

    expect((await claimJob(sql, "w2", after(lease + 1), lease))?.attempt).toBe(2);
    const end = after(2 * lease + 2);
    expect(await recoverExpiredLeases(sql, end)).toEqual({ ...nothing, failed: 1, failedEvents: ["crashy"] });
    expect(await jobRow(sql, jobId)).toMatchObject({ status: "failed", attempts: 2 });
    expect(await runRow(sql, runId)).toMatchObject({ status: "failed", attempt: 2, error: lostLeaseError, finished_at: end.toISOString() });
    expect(await claimJob(sql, "w3", after(86_400_000), lease)).toBeUndefined();
  });

  test("on shutdown, releases this worker's running jobs without counting the attempt", async () => {
    const { sql } = await backend.open();
    const mine = await enqueue(sql, "mine", { priority: 1 });
    const theirs = await enqueue(sql, "theirs", { priority: 2 });
    await enqueue(sql, "waiting", { priority: 3 });
    await claimJob(sql, "w1", t0, lease);
    await claimJob(sql, "w2", t0, lease);
    expect(await releaseJobs(sql, "w1", after(500))).toBe(1);
    expect(await jobRow(sql, mine.jobId)).toMatchObject({ status: "queued", attempts: 0, run_at: t0.toISOString(), lease_owner: null, lease_expires_at: null });
    expect(await runRow(sql, mine.runId)).toMatchObject({ status: "queued", attempt: 0, started_at: null });
    expect(await jobRow(sql, theirs.jobId)).toMatchObject({ status: "running", lease_owner: "w2" });
    expect(await releaseJobs(sql, "w1", after(600))).toBe(0);
    // The next start takes it first again (it kept its place), as attempt 1.
    expect(await claimJob(sql, "w9", after(1_000), lease)).toMatchObject({ jobId: mine.jobId, attempt: 1 });
  });

  test("never loses a job: one claimed by a worker that never comes back is retried and completed", async () => {
    const { sql } = await backend.open();
    const { jobId, runId } = await enqueue(sql, "daily", { maxAttempts: 3 });
    expect((await claimJob(sql, "vanished", t0, lease))?.jobId).toBe(jobId);
    // The survivor polls as the pool does: recover, then claim, every second.
    let done = false;
    for (let s = 1; s <= 60 && !done; s++) {
      const now = after(s * 1_000);
      await recoverExpiredLeases(sql, now);
      const job = await claimJob(sql, "survivor", now, lease);
      if (job) done = await completeJob(sql, job.jobId, "survivor", now, { output: "ok", durationMs: 0 });
    }
    expect(done).toBe(true);
    expect(await runRow(sql, runId)).toMatchObject({ status: "success", attempt: 2, error: null });
    expect(await queueDepth(sql, after(60_000))).toEqual({ queued: 0, running: 0, success: 1, failed: 0, cancelled: 0, ready: 0 });
  });
});

describe.each(backends)("queueDepth on $name", (backend) => {
  const test = backendTest(backend, "test/queue/leases");

  test("counts jobs per status and the queued ones that are ready", async () => {
    const { sql } = await backend.open();
    await enqueue(sql, "a");
    await enqueue(sql, "b", { runAt: after(5_000) });
    const c = await enqueue(sql, "c", { priority: 0 });
    await claimJob(sql, "w1", t0, lease);
    expect(await queueDepth(sql, t0)).toEqual({ queued: 2, running: 1, success: 0, failed: 0, cancelled: 0, ready: 1 });
    await completeJob(sql, c.jobId, "w1", t0, { output: null, durationMs: 0 });
    expect(await queueDepth(sql, after(5_000))).toMatchObject({ queued: 2, running: 0, success: 1, ready: 2 });
  });
});
