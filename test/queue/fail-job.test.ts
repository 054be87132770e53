import { describe, expect, it } from "vitest";
import { claimJob } from "../../controller/queue/claim-job.js";
import { completeJob } from "../../controller/queue/complete-job.js";
import { failJob, retryDelayMs } from "../../controller/queue/fail-job.js";
import { after, enqueue, freshDb, jobRow, runRow, t0 } from "./helpers.js";

const lease = 60_000;
const backoffMs = [30_000, 300_000];
const lowest = () => 0;
const highest = () => 0.999_999;

describe("failJob", () => {
  it("retries after the backoff with ±10% jitter, the last delay repeating, then fails the run for good", () => {
    const { db } = freshDb();
    const { jobId, runId } = enqueue(db, "flaky", { maxAttempts: 4 });

    expect(claimJob(db, "w1", t0, lease)?.attempt).toBe(1);
    const first = failJob(db, jobId, "w1", after(1_000), { error: "boom 1", backoffMs, durationMs: 1_000, random: lowest });
    expect(first).toEqual({ final: false, retryAt: after(1_000 + 27_000) });
    expect(jobRow(db, jobId)).toMatchObject({ status: "queued", attempts: 1, lease_owner: null, last_error: "boom 1" });
    expect(runRow(db, runId)).toMatchObject({ status: "queued", error: "boom 1", finished_at: null });

    expect(claimJob(db, "w1", after(27_999), lease)).toBeUndefined();
    const second = claimJob(db, "w1", after(28_000), lease);
    expect(second?.attempt).toBe(2);
    expect(runRow(db, runId)).toMatchObject({ status: "running", attempt: 2 });
    const retry2 = failJob(db, jobId, "w1", after(30_000), { error: "boom 2", backoffMs, durationMs: 2_000, random: highest });
    expect(retry2.retryAt!.getTime() - after(30_000).getTime()).toBe(330_000);

    claimJob(db, "w1", retry2.retryAt!, lease);
    const third = failJob(db, jobId, "w1", retry2.retryAt!, { error: "boom 3", backoffMs, durationMs: 0, random: () => 0.5 });
    expect(third.retryAt!.getTime() - retry2.retryAt!.getTime()).toBe(300_000); // the last delay repeats

    const fourthAt = after(1, third.retryAt!);
    expect(claimJob(db, "w1", fourthAt, lease)?.attempt).toBe(4);
    expect(failJob(db, jobId, "w1", fourthAt, { error: "boom 4", backoffMs, durationMs: 5, random: lowest })).toEqual({ final: true });
    expect(jobRow(db, jobId)).toMatchObject({ status: "failed", attempts: 4, last_error: "boom 4", lease_owner: null });
    expect(runRow(db, runId)).toMatchObject({ status: "failed", attempt: 4, error: "boom 4", finished_at: fourthAt.toISOString(), duration_ms: 5 });
    expect(claimJob(db, "w1", after(86_400_000), lease)).toBeUndefined();
  });

  it("keeps every jittered delay within ±10% of the backoff", () => {
    const delays = Array.from({ length: 2_000 }, () => retryDelayMs([10_000], 1, Math.random));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(9_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(11_000);
    expect(new Set(delays).size).toBeGreaterThan(100); // spread, not a constant
    expect(retryDelayMs([], 3, Math.random)).toBe(0);
  });

  it("fails at once when the failure is not retryable, attempts left or not", () => {
    const { db } = freshDb();
    const { jobId, runId } = enqueue(db, "gone", { maxAttempts: 3 });
    claimJob(db, "w1", t0, lease);
    expect(failJob(db, jobId, "w1", t0, { error: "event removed", backoffMs, retryable: false, durationMs: 0 })).toEqual({ final: true });
    expect(runRow(db, runId)).toMatchObject({ status: "failed", error: "event removed" });
  });

  it("records nothing for a worker that no longer holds the job", () => {
    const { db } = freshDb();
    const { jobId, runId } = enqueue(db, "daily");
    claimJob(db, "w1", t0, lease);
    expect(failJob(db, jobId, "w2", t0, { error: "not mine", backoffMs, durationMs: 0 })).toEqual({ final: false, leaseLost: true });
    expect(completeJob(db, jobId, "w2", t0, { output: "x", durationMs: 0 })).toBe(false);
    expect(jobRow(db, jobId)).toMatchObject({ status: "running", lease_owner: "w1" });
    expect(runRow(db, runId)).toMatchObject({ status: "running", error: null });
  });
});

describe("completeJob", () => {
  it("marks job and run succeeded with the output and duration, clearing an earlier attempt's error", () => {
    const { db } = freshDb();
    const { jobId, runId } = enqueue(db, "daily");
    claimJob(db, "w1", t0, lease);
    failJob(db, jobId, "w1", t0, { error: "transient", backoffMs: [0], durationMs: 0 });
    claimJob(db, "w1", after(1), lease);
    expect(completeJob(db, jobId, "w1", after(1_501), { output: "done", durationMs: 1_500.4 })).toBe(true);
    expect(jobRow(db, jobId)).toMatchObject({ status: "success", lease_owner: null, lease_expires_at: null });
    expect(runRow(db, runId)).toEqual({
      status: "success",
      attempt: 2,
      started_at: after(1).toISOString(),
      finished_at: after(1_501).toISOString(),
      duration_ms: 1_500,
      output: "done",
      error: null,
    });
    expect(completeJob(db, jobId, "w1", after(2_000), { output: "again", durationMs: 0 })).toBe(false);
  });
});
