import type { Database } from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { freshDb } from "./helpers.js";

/** How SQLite would run `sql`: the plan's details, e.g. "SEARCH job_queue USING INDEX ...". */
function plan(db: Database, sql: string, ...params: unknown[]): string {
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
  return rows.map((r) => r.detail).join("\n");
}

describe("job queue indexes", () => {
  it("finds running jobs whose lease expired without scanning the queue", () => {
    const { db } = freshDb();
    const detail = plan(db, "SELECT id FROM job_queue WHERE status = 'running' AND lease_expires_at < ?", "2026-11-23T09:00:00.000Z");
    expect(detail).toMatch(/USING (COVERING )?INDEX job_queue_lease \(status=\? AND lease_expires_at<\?\)/);
  });

  it("counts running jobs of a concurrency key from the index alone", () => {
    const { db } = freshDb();
    const detail = plan(db, "SELECT count(*) FROM job_queue WHERE concurrency_key = ? AND status = 'running'", "daily");
    expect(detail).toMatch(/USING (COVERING )?INDEX job_queue_concurrency \(concurrency_key=\? AND status=\?\)/);
  });

  it("holds only running jobs with a concurrency key in that index", () => {
    const { db } = freshDb();
    const sql = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'job_queue_concurrency'").pluck().get();
    expect(sql).toMatch(/WHERE status = 'running' AND concurrency_key IS NOT NULL$/);
  });
});
