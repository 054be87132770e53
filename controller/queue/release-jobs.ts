import type { Sql } from "../store/sql/sql.js";
import { isoTime } from "../store/time.js";
import { immediate } from "./immediate.js";

// The attempt is given back: the job did not fail, the controller stopped.
// run_at is kept, so the job keeps its place in the queue.
export const releaseJobsSql = `
  UPDATE job_queue SET status = 'queued', attempts = attempts - 1, lease_owner = NULL, lease_expires_at = NULL, updated_at = @now
  WHERE status = 'running' AND lease_owner = @worker
  RETURNING run_id`;

// CASE rather than SQLite's two-argument max(), which PostgreSQL spells greatest().
export const unstartRunSql = `
  UPDATE event_runs SET status = 'queued', started_at = NULL, attempt = CASE WHEN attempt > 0 THEN attempt - 1 ELSE 0 END
  WHERE id = @run_id`;

/**
 * On shutdown, after the grace period: `workerId`'s running jobs go back to
 * the queue (attempt not counted) and their runs to queued, so the next start
 * runs them. Returns how many were released.
 */
export function releaseJobs(sql: Sql, workerId: string, now: Date): Promise<number> {
  return immediate(sql, async (tx) => {
    const jobs = await tx.all<{ run_id: number }>(releaseJobsSql, { worker: workerId, now: isoTime(now) });
    for (const job of jobs) await tx.run(unstartRunSql, { run_id: job.run_id });
    return jobs.length;
  });
}
