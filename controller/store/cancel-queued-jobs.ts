import type { Database } from "better-sqlite3";
import { prepared } from "./prepared.js";
import { isoTime } from "./time.js";

// A run whose job is queued is not executing, whatever its own status says (a
// retry waits as a queued job), so it is cancelled with its job. Runs are
// marked before jobs because the jobs' status is what picks them.
const cancelRunsSql = `
  UPDATE event_runs SET status = 'cancelled', finished_at = @now
  WHERE status IN ('queued', 'running')
    AND id IN (SELECT run_id FROM job_queue WHERE event_id = @event_id AND status = 'queued')`;
const cancelJobsSql = `
  UPDATE job_queue SET status = 'cancelled', lease_owner = NULL, lease_expires_at = NULL, updated_at = @now
  WHERE event_id = @event_id AND status = 'queued'`;

/**
 * Cancels the queued jobs of an event (deleted, say) and their runs. Running
 * jobs are left to finish; no row is deleted, so the history stays. Returns
 * how many jobs were cancelled.
 */
export function cancelQueuedJobs(db: Database, eventId: string, now: Date): number {
  const params = { event_id: eventId, now: isoTime(now) };
  prepared(db, cancelRunsSql).run(params);
  return prepared(db, cancelJobsSql).run(params).changes;
}
