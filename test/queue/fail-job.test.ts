import { describe, expect, it } from "vitest";
import { claimJob } from "../../controller/queue/claim-job.js";
import { completeJob } from "../../controller/queue/complete-job.js";
import { failJob, retryDelayMs } from "../../controller/queue/fail-job.js";
import { after, backends, backendTest, enqueue, jobRow, runRow, t0 } from "./helpers.js";

const lease = 60_000;
const backoffMs = [30_000, 300_000];
const lowest = () => 0;
const highest = () => 0.999_999;

describe("retryDelayMs", () => {
  it("keeps every jittered delay within ±10% of the backoff", () => {
    const delays = Array.from({ length: 2_000 }, () => retryDelayMs([10_000], 1, Math.random));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(9_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(11_000);
    expect(new Set(delays).size).toBeGreaterThan(100); // spread, not a constant
    expect(retryDelayMs([], 3, Math.random)).toBe(0);
  });
});

describe.each(backends)("failJob and completeJob on $name", (backend) => {
  const test = backendTest(backend, "test/queue/fail-job");

  test("retries after the backoff with ±10% jitter, the last delay repeating, then fails the run for good", async () => {
    const { sql } = await backend.open();
    const { jobId, runId } = await enqueue(sql, "flaky", { maxAttempts: 4 });

    expect((await claimJob(sql, "w1", t0, lease))?.attempt).toBe(1);
    const first = await failJob(sql, jobId, "w1", after(1_000), { error: "boom 1", backoffMs, durationMs: 1_000, random: lowest });
    expect(first).toEqual({ final: false, retryAt: after(1_000 + 27_000) });
    expect(await jobRow(sql, jobId)).toMatchObject({ status: "queued", attempts: 1, lease_owner: null, last_error: "boom 1" });
    expect(await runRow(sql, runId)).toMatchObject({ status: "queued", error: "boom 1", finished_at: null });

    expect(await claimJob(sql, "w1", after(27_999), lease)).toBeUndefined();
    const second = await claimJob(sql, "w1", after(28_000), lease);
    expect(second?.attempt).toBe(2);
    expect(await runRow(sql, runId)).toMatchObject({ status: "running", attempt: 2 });
    const retry2 = await failJob(sql, jobId, "w1", after(30_000), { error: "boom 2", backoffMs, durationMs: 2_000, random: highest });
    expect(retry2.retryAt!.getTime() - after(30_000).getTime()).toBe(330_000);

    await claimJob(sql, "w1", retry2.retryAt!, lease);
    const third = await failJob(sql, jobId, "w1", retry2.retryAt!, { error: "boom 3", backoffMs, durationMs: 0, random: () => 0.5 });
    expect(third.retryAt!.getTime() - retry2.retryAt!.getTime()).toBe(300_000); // the last delay repeats

    const fourthAt = after(1, third.retryAt!);
    expect((await claimJob(sql, "w1", fourthAt, lease))?.attempt).toBe(4);
    expect(await failJob(sql, jobId, "w1", fourthAt, { error: "boom 4", backoffMs, durationMs: 5, random: lowest })).toEqual({ final: true });
    expect(await jobRow(sql, jobId)).toMatchObject({ status: "failed", attempts: 4, last_error: "boom 4", lease_owner: null });
    expect(await runRow(sql, runId)).toMatchObject({ status: "failed", attempt: 4, error: "boom 4", finished_at: fourthAt.toISOString(), duration_ms: 5 });
    expect(await claimJob(sql, "w1", after(86_400_000), lease)).toBeUndefined();
  });

  test("fails at once when the failure is not retryable, attempts left or not", async () => {
    const { sql } = await backend.open();
    const { jobId, runId } = await enqueue(sql, "gone", { maxAttempts: 3 });
    await claimJob(sql, "w1", t0, lease);
    expect(await failJob(sql, jobId, "w1", t0, { error: "event removed", backoffMs, retryable: false, durationMs: 0 })).toEqual({ final: true });
    expect(await runRow(sql, runId)).toMatchObject({ status: "failed", error: "event removed" });
  });

  test("records nothing for a worker that no longer holds the job", async () => {
    const { sql } = await backend.open();
    const { jobId, runId } = await enqueue(sql, "daily");
    await claimJob(sql, "w1", t0, lease);
    expect(await failJob(sql, jobId, "w2", t0, { error: "not mine", backoffMs, durationMs: 0 })).toEqual({ final: false, leaseLost: true });
    expect(await completeJob(sql, jobId, "w2", t0, { output: "x", durationMs: 0 })).toBe(false);
    expect(await jobRow(sql, jobId)).toMatchObject({ status: "running", lease_owner: "w1" });
    expect(await runRow(sql, runId)).toMatchObject({ status: "running", error: null });
  });
});

describe.each(backends)("completeJob on $name", (backend) => {
  const test = backendTest(backend, "test/queue/fail-job");

  test("marks job and run succeeded with the output and duration, clearing an earlier attempt's error", async () => {
    const { sql } = await backend.open();
    const { jobId, runId } = await enqueue(sql, "daily");
    await claimJob(sql, "w1", t0, lease);
    await failJob(sql, jobId, "w1", t0, { error: "transient", backoffMs: [0], durationMs: 0 });
    await claimJob(sql, "w1", after(1), lease);
    expect(await completeJob(sql, jobId, "w1", after(1_501), { output: "done", durationMs: 1_500.4 })).toBe(true);
    expect(await jobRow(sql, jobId)).toMatchObject({ status: "success", lease_owner: null, lease_expires_at: null });
    expect(await runRow(sql, runId)).toEqual({
      status: "success",
      attempt: 2,
      started_at: after(1).toISOString(),
      finished_at: after(1_501).toISOString(),
      duration_ms: 1_500,
      output: "done",
      error: null,
    });
    expect(await completeJob(sql, jobId, "w1", after(2_000), { output: "again", durationMs: 0 })).toBe(false);
  });
});
