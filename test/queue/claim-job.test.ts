import { describe, expect, it } from "vitest";
import { claimJob } from "../../controller/queue/claim-job.js";
import { completeJob } from "../../controller/queue/complete-job.js";
import { openDatabase } from "../../controller/store/open-database.js";
import { sqliteSql } from "../../controller/store/sql/sqlite-sql.js";
import { after, backends, backendTest, enqueue, freshDb, jobRow, runRow, t0, track } from "./helpers.js";

const lease = 60_000;

describe.each(backends)("claimJob on $name", (backend) => {
  const test = backendTest(backend, "test/queue/claim-job");

  test("takes the lowest priority first, then the earliest run_at, then the oldest", async () => {
    const { sql } = await backend.open();
    const late = await enqueue(sql, "late", { priority: 5, runAt: after(-1_000) });
    const early = await enqueue(sql, "early", { priority: 5, runAt: after(-5_000) });
    const urgent = await enqueue(sql, "urgent", { priority: 1, runAt: t0 });
    const tieA = await enqueue(sql, "tie-a", { priority: 9, runAt: t0 });
    const tieB = await enqueue(sql, "tie-b", { priority: 9, runAt: t0 });
    const order = [urgent, early, late, tieA, tieB].map((j) => j.jobId);
    const claimed: (number | undefined)[] = [];
    for (const _ of order) claimed.push((await claimJob(sql, "w1", t0, lease))?.jobId);
    expect(claimed).toEqual(order);
    expect(await claimJob(sql, "w1", t0, lease)).toBeUndefined();
  });

  test("does not take a job before its run_at", async () => {
    const { sql } = await backend.open();
    const { jobId } = await enqueue(sql, "later", { runAt: after(10_000) });
    expect(await claimJob(sql, "w1", after(9_999), lease)).toBeUndefined();
    expect((await claimJob(sql, "w1", after(10_000), lease))?.jobId).toBe(jobId);
  });

  test("leases the job, counts the attempt, and marks the run running", async () => {
    const { sql } = await backend.open();
    const { jobId, runId } = await enqueue(sql, "daily", { maxAttempts: 4 });
    const now = after(1_000);
    expect(await claimJob(sql, "w1", now, lease)).toEqual({
      jobId,
      runId,
      eventId: "daily",
      attempt: 1,
      maxAttempts: 4,
      payload: null,
      scheduledFor: t0.toISOString(),
      trigger: "manual",
    });
    expect(await jobRow(sql, jobId)).toMatchObject({ status: "running", attempts: 1, lease_owner: "w1", lease_expires_at: after(lease, now).toISOString() });
    expect(await runRow(sql, runId)).toMatchObject({ status: "running", attempt: 1, started_at: now.toISOString() });
  });

  test("runs at most one job per concurrency key, across events, and others meanwhile", async () => {
    const { sql } = await backend.open();
    const a = await enqueue(sql, "digest-a", { concurrencyKey: "digest", priority: 1 });
    const b = await enqueue(sql, "digest-b", { concurrencyKey: "digest", priority: 1 });
    const free = await enqueue(sql, "free", { priority: 9 });
    const other = await enqueue(sql, "other-key", { concurrencyKey: "backup", priority: 9 });
    expect((await claimJob(sql, "w1", t0, lease))?.jobId).toBe(a.jobId);
    // b is first in order, but its key is busy.
    expect((await claimJob(sql, "w2", t0, lease))?.jobId).toBe(free.jobId);
    expect((await claimJob(sql, "w3", t0, lease))?.jobId).toBe(other.jobId);
    expect(await claimJob(sql, "w4", t0, lease)).toBeUndefined();
    expect(await completeJob(sql, a.jobId, "w1", after(10), { output: "ok", durationMs: 10 })).toBe(true);
    expect((await claimJob(sql, "w4", after(20), lease))?.jobId).toBe(b.jobId);
  });

  test("claims for several workers in one transaction, one job per key there too", async () => {
    const { sql } = await backend.open();
    const a = await enqueue(sql, "digest-a", { concurrencyKey: "digest", priority: 1 });
    await enqueue(sql, "digest-b", { concurrencyKey: "digest", priority: 1 });
    const free = await enqueue(sql, "free", { priority: 9 });
    // As the pool does: every free worker's claim in one transaction (each a savepoint).
    const claimed = await sql.transaction(async (tx) => {
      const jobs: (number | undefined)[] = [];
      for (const worker of ["w1", "w2", "w3"]) jobs.push((await claimJob(tx, worker, t0, lease))?.jobId);
      return jobs;
    });
    expect(claimed).toEqual([a.jobId, free.jobId, undefined]);
  });

  test("never gives one job to two claimers on two connections", async () => {
    const store = await backend.open();
    const other = await store.connect();
    const total = 300;
    for (let i = 0; i < total; i++) await enqueue(store.sql, `event-${i % 7}`, { priority: i % 3 });
    const seen = new Map<number, string>();
    const workers = [
      { id: "a", sql: store.sql },
      { id: "b", sql: other },
    ];
    for (let round = 0; seen.size < total && round < total * 2; round++) {
      for (const worker of workers) {
        const job = await claimJob(worker.sql, worker.id, t0, lease);
        if (!job) continue;
        expect(seen.has(job.jobId), `job ${job.jobId} claimed twice`).toBe(false);
        seen.set(job.jobId, worker.id);
        // Every other job stays running, so the two see a queue the other keeps changing.
        if (job.jobId % 2 === 0) await completeJob(worker.sql, job.jobId, worker.id, t0, { output: null, durationMs: 0 });
      }
    }
    expect(seen.size).toBe(total);
    expect(new Set(seen.values())).toEqual(new Set(["a", "b"]));
    expect(await claimJob(store.sql, "a", t0, lease)).toBeUndefined();
    expect(await claimJob(other, "b", t0, lease)).toBeUndefined();
  });
});

// SQLite only: its write lock and busy_timeout (PostgreSQL claims pass over locked rows instead: claim-concurrency.test.ts).
describe("claimJob on sqlite, under another connection's write lock", () => {
  it("fails clearly while another connection holds the write lock, never acting on a stale pick", async () => {
    const { db, path } = freshDb();
    const other = track(openDatabase(path));
    const sql = sqliteSql(db);
    const { jobId } = await enqueue(sql, "daily");
    // `other` holds the write lock: the claim waits out busy_timeout, then fails with SQLITE_BUSY.
    db.pragma("busy_timeout = 50");
    other.exec("BEGIN IMMEDIATE");
    await expect(claimJob(sql, "a", t0, lease)).rejects.toThrow(expect.objectContaining({ code: "SQLITE_BUSY" }));
    other.exec("COMMIT");
    // The lock gone, the other connection takes the job; the first then finds nothing, not its stale pick.
    expect((await claimJob(sqliteSql(other), "b", t0, lease))?.jobId).toBe(jobId);
    expect(await claimJob(sql, "a", t0, lease)).toBeUndefined();
    expect((await jobRow(sql, jobId))?.lease_owner).toBe("b");
  });
});
