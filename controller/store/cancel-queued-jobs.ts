import type { Sql } from "./sql/sql.js";
import { isoTime } from "./time.js";

// An event's queued jobs, walked in the queue's two partial indexes (job_queue_free and
// job_queue_keyed), never the finished jobs: no index by event, as one more index would cost
// every enqueue and claim a page, and removing an event is rare.
const queuedJobsOfEvent = (column: string) => `
  SELECT ${column} FROM job_queue WHERE event_id = @event_id AND status = 'queued' AND concurrency_key IS NULL
  UNION ALL
  SELECT ${column} FROM job_queue WHERE event_id = @event_id AND status = 'queued' AND concurrency_key IS NOT NULL`;

// A run whose job is queued is not executing, whatever its own status says (a
// retry waits as a queued job), so it is cancelled with its job. Runs are
// marked before jobs because the jobs' status is what picks them.
const cancelRunsSql = `
  UPDATE event_runs SET status = 'cancelled', finished_at = @now
  WHERE status IN ('queued', 'running')
    AND id IN (${queuedJobsOfEvent("run_id")})`;
const cancelJobsSql = `
  UPDATE job_queue SET status = 'cancelled', lease_owner = NULL, lease_expires_at = NULL, updated_at = @now
  WHERE id IN (${queuedJobsOfEvent("id")})`;

/**
 * Cancels the queued jobs of an event (deleted, say) and their runs. Running
 * jobs are left to finish; no row is deleted, so the history stays. Returns
 * how many jobs were cancelled.
 */
export async function cancelQueuedJobs(sql: Sql, eventId: string, now: Date): Promise<number> {
  const params = { event_id: eventId, now: isoTime(now) };
  await sql.run(cancelRunsSql, params);
  return (await sql.run(cancelJobsSql, params)).changes;
}
