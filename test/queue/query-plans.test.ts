import type { Database } from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { claimJob, claimJobSql } from "../../controller/queue/claim-job.js";
import { completeJob } from "../../controller/queue/complete-job.js";
import { enqueue, freshDb, t0 } from "./helpers.js";

function plan(db: Database, sql: string, params: Record<string, unknown>): string {
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[];
  return rows.map((r) => r.detail).join("\n");
}

/** Entries of `index`, read from the index alone. */
const indexEntries = (db: Database, index: string, where: string): number =>
  db.prepare(`SELECT count(*) FROM job_queue INDEXED BY ${index} WHERE ${where}`).pluck().get() as number;

describe("the queue's indexes", () => {
  it("picks the next job from job_queue_ready in order, without sorting the queue", () => {
    const { db } = freshDb();
    const detail = plan(db, claimJobSql, { worker: "w", now: t0.toISOString(), expires: t0.toISOString() });
    expect(detail).toMatch(/SEARCH j USING INDEX job_queue_ready/);
    expect(detail).not.toMatch(/TEMP B-TREE/);
  });

  it("holds only queued jobs in job_queue_ready and only running ones in job_queue_lease", () => {
    const { db } = freshDb();
    for (let i = 0; i < 3; i++) enqueue(db, `e${i}`);
    const job = claimJob(db, "w", t0, 1_000)!;
    expect(indexEntries(db, "job_queue_ready", "status = 'queued'")).toBe(2);
    expect(indexEntries(db, "job_queue_lease", "status = 'running'")).toBe(1);
    completeJob(db, job.jobId, "w", t0, { output: null, durationMs: 0 });
    expect(indexEntries(db, "job_queue_lease", "status = 'running'")).toBe(0);
  });
});
