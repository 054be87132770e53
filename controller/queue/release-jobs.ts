import type { Database } from "better-sqlite3";
import { prepared } from "../store/prepared.js";
import { isoTime } from "../store/time.js";
import { immediate } from "./immediate.js";

// The attempt is given back: the job did not fail, the controller stopped.
// run_at is kept, so the job keeps its place in the queue.
export const releaseJobsSql = `
  UPDATE job_queue SET status = 'queued', attempts = attempts - 1, lease_owner = NULL, lease_expires_at = NULL, updated_at = @now
  WHERE status = 'running' AND lease_owner = @worker
  RETURNING run_id`;

export const unstartRunSql = `
  UPDATE event_runs SET status = 'queued', started_at = NULL, attempt = max(attempt - 1, 0)
  WHERE id = @run_id`;

/**
 * On shutdown, after the grace period: `workerId`'s running jobs go back to
 * the queue (attempt not counted) and their runs to queued, so the next start
 * runs them. Returns how many were released.
 */
export function releaseJobs(db: Database, workerId: string, now: Date): number {
  return releaseImmediate(db, workerId, isoTime(now));
}

function release(db: Database, worker: string, now: string): number {
  const runIds = prepared<{ worker: string; now: string }, number>(db, releaseJobsSql).pluck().all({ worker, now });
  for (const run_id of runIds) prepared(db, unstartRunSql).run({ run_id });
  return runIds.length;
}

const releaseImmediate = immediate(release);
