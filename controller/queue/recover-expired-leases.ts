import { keepPrepared } from "../store/sql/placeholders.js";
import type { Sql } from "../store/sql/sql.js";
import { isoTime } from "../store/time.js";
import { immediate, unfencedPostgres } from "./immediate.js";

export const lostLeaseError = "worker lost its lease (crashed or stopped)";

// A job whose lease lapsed counts the attempt it was on: a job that kills its
// worker every time must end, not loop. job_queue_lease finds them.
export const recoverJobsSql = `
  UPDATE job_queue
  SET status = CASE WHEN attempts < max_attempts THEN 'queued' ELSE 'failed' END,
      run_at = CASE WHEN attempts < max_attempts THEN @now ELSE run_at END,
      lease_owner = NULL, lease_expires_at = NULL, last_error = @error, updated_at = @now
  WHERE status = 'running' AND lease_expires_at < @now
  RETURNING run_id, event_id, status, process_group, process_host`;

export const requeueRunSql = `UPDATE event_runs SET status = 'queued', error = @error WHERE id = @run_id`;
export const failRunSql = `UPDATE event_runs SET status = 'failed', finished_at = @now, error = @error WHERE id = @run_id`;

/**
 * Takes back running jobs whose lease expired before `now` (their worker
 * crashed, hung or lost the database): retried at once while attempts remain,
 * else failed with the reason. Either way the job is accounted for: at least
 * once, never lost.
 */
export interface Recovered {
  retried: number;
  failed: number;
  failedEvents: string[];
  /** The script process groups the lost attempts had started, by host: an orphan may still run. */
  processGroups: { group: number; host: string }[];
}

// PostgreSQL, no fence: the jobs and their runs in one statement, which
// needs no transaction around it (the pool looks every time it claims).
const recoverOnPostgresSql = keepPrepared(`
  WITH recovered AS (${recoverJobsSql}),
    runs AS (
      UPDATE event_runs r
      SET status = recovered.status, error = @error, finished_at = CASE WHEN recovered.status = 'failed' THEN @now ELSE r.finished_at END
      FROM recovered WHERE r.id = recovered.run_id)
  SELECT run_id, event_id, status, process_group, process_host FROM recovered`);

export async function recoverExpiredLeases(sql: Sql, now: Date): Promise<Recovered> {
  if (unfencedPostgres(sql)) return recovered(await sql.all<RecoveredRow>(recoverOnPostgresSql, { now: isoTime(now), error: lostLeaseError }));
  return immediate(sql, (tx) => recover(tx, isoTime(now)));
}

interface RecoveredRow {
  run_id: number;
  event_id: string;
  status: "queued" | "failed";
  process_group: number | null;
  process_host: string | null;
}

// One UPDATE picks and takes the jobs: on PostgreSQL a job a second
// controller recovers at the same moment is re-checked after its row lock, and
// is no longer running, so each lapsed lease is recovered once.
async function recover(tx: Sql, now: string): Promise<Recovered> {
  const jobs = await tx.all<RecoveredRow>(recoverJobsSql, { now, error: lostLeaseError });
  for (const job of jobs) {
    if (job.status === "queued") {
      await tx.run(requeueRunSql, { run_id: job.run_id, error: lostLeaseError });
    } else {
      await tx.run(failRunSql, { run_id: job.run_id, now, error: lostLeaseError });
    }
  }
  return recovered(jobs);
}

function recovered(jobs: RecoveredRow[]): Recovered {
  const retried = jobs.filter((j) => j.status === "queued").length;
  // The failed ones end their runs for good: the caller counts them toward pause_after_failures.
  const processGroups = jobs.flatMap((j) => (j.process_group !== null && j.process_host !== null ? [{ group: j.process_group, host: j.process_host }] : []));
  return { retried, failed: jobs.length - retried, failedEvents: jobs.filter((j) => j.status === "failed").map((j) => j.event_id), processGroups };
}
