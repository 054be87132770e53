import type { Database } from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { claimJob, claimJobSql } from "../../controller/queue/claim-job.js";
import { completeJob } from "../../controller/queue/complete-job.js";
import { sqliteSql } from "../../controller/store/sql/sqlite-sql.js";
import { tableScans } from "../support/query-plans.js";
import { enqueue, freshDb, t0 } from "./helpers.js";

function plan(db: Database, sql: string, params: Record<string, unknown> | unknown[] = {}): string {
  const statement = db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
  const rows = (Array.isArray(params) ? statement.all(...params) : statement.all(params)) as { detail: string }[];
  return rows.map((r) => r.detail).join("\n");
}

/** Entries of `index`, read from the index alone. */
const indexEntries = (db: Database, index: string, where: string): number =>
  db.prepare(`SELECT count(*) FROM job_queue INDEXED BY ${index} WHERE ${where}`).pluck().get() as number;

// SQLite only: its query plans and partial indexes (PostgreSQL's claim is postgres-claim.ts, its indexes the migrations').
describe("the queue's indexes on sqlite", () => {
  it("picks a job with no key from job_queue_free, and each free key's first job from job_queue_keyed, one seek per key; in priority order past a backlog behind a busy key", async () => {
    const { db } = freshDb();
    const detail = plan(db, claimJobSql, { worker: "w", now: t0.toISOString(), expires: t0.toISOString() });
    expect(detail).toMatch(/SCAN job_queue USING INDEX job_queue_free/);
    // The walk over keys: a seek for the next key, then whether it runs, then its first ready job.
    expect(detail).toMatch(/SEARCH job_queue USING COVERING INDEX job_queue_keyed \(concurrency_key>\?\)/);
    expect(detail).toMatch(/SEARCH r USING COVERING INDEX job_queue_concurrency \(concurrency_key=\? AND status=\?\)/);
    expect(detail).toMatch(/SEARCH h USING COVERING INDEX job_queue_keyed \(concurrency_key=\?\)/);
    expect(tableScans(detail)).toEqual([]);

    const { db: queue } = freshDb();
    const sql = sqliteSql(queue);
    // 200 jobs wait behind one key; the first of them runs.
    for (let i = 0; i < 200; i++) await enqueue(sql, "backlog", { concurrencyKey: "event:backlog", priority: 1 });
    expect((await claimJob(sql, "w", t0, 60_000))?.eventId).toBe("backlog");
    const later = await enqueue(sql, "keyless-late", { priority: 7 });
    const soon = await enqueue(sql, "other-key", { concurrencyKey: "digest", priority: 3 });
    const sameKey = await enqueue(sql, "other-key-2", { concurrencyKey: "digest", priority: 2 });
    const first = await enqueue(sql, "keyless-first", { priority: 2, runAt: new Date(t0.getTime() - 1) });
    const claimed: (number | undefined)[] = [];
    for (let i = 0; i < 3; i++) claimed.push((await claimJob(sql, "w", t0, 60_000))?.jobId);
    expect(claimed).toEqual([first.jobId, sameKey.jobId, later.jobId]);
    // digest runs now; the backlog's key is still busy: nothing else may start.
    expect(await claimJob(sql, "w", t0, 60_000)).toBeUndefined();
    expect(queue.prepare("SELECT status FROM job_queue WHERE id = ?").pluck().get(soon.jobId)).toBe("queued");
  });

  it("holds queued jobs in job_queue_free or job_queue_keyed, running ones in job_queue_lease, keyed running ones in job_queue_concurrency", async () => {
    const { db } = freshDb();
    const sql = sqliteSql(db);
    for (let i = 0; i < 3; i++) await enqueue(sql, `e${i}`);
    for (let i = 0; i < 2; i++) await enqueue(sql, "serial", { concurrencyKey: "event:serial", priority: 1 });
    const keyed = (await claimJob(sql, "w", t0, 1_000))!;
    expect(keyed.eventId).toBe("serial");
    const free = (await claimJob(sql, "w", t0, 1_000))!;
    expect(free.eventId).toBe("e0");
    expect(indexEntries(db, "job_queue_free", "status = 'queued' AND concurrency_key IS NULL")).toBe(2);
    expect(indexEntries(db, "job_queue_keyed", "status = 'queued' AND concurrency_key IS NOT NULL")).toBe(1);
    expect(indexEntries(db, "job_queue_lease", "status = 'running'")).toBe(2);
    expect(indexEntries(db, "job_queue_concurrency", "status = 'running' AND concurrency_key IS NOT NULL")).toBe(1);
    await completeJob(sql, free.jobId, "w", t0, { output: null, durationMs: 0 });
    await completeJob(sql, keyed.jobId, "w", t0, { output: null, durationMs: 0 });
    expect(indexEntries(db, "job_queue_lease", "status = 'running'")).toBe(0);
    expect(indexEntries(db, "job_queue_concurrency", "status = 'running' AND concurrency_key IS NOT NULL")).toBe(0);
  });

});
