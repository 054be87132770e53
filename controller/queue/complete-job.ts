import { keepPrepared } from "../store/sql/placeholders.js";
import type { Sql } from "../store/sql/sql.js";
import { recordRunOutcome } from "../store/record-run-outcome.js";
import { isoTime } from "../store/time.js";
import { announceJob, jobChannel } from "./announce-job.js";
import { immediate, unfencedPostgres } from "./immediate.js";
import { completeOnPostgresBatched } from "./postgres-complete-batch.js";

export const completeJobSql = `
  UPDATE job_queue SET status = 'success', lease_owner = NULL, lease_expires_at = NULL, updated_at = @now
  WHERE id = @id AND status = 'running' AND lease_owner = @worker
  RETURNING run_id, concurrency_key`;

// A failed earlier attempt's error is cleared: the run succeeded, and its
// attempt number says it took retries.
export const finishRunSuccessSql = `
  UPDATE event_runs SET status = 'success', finished_at = @now, duration_ms = @duration_ms, output = @output, error = NULL
  WHERE id = @run_id`;

// PostgreSQL's completeJob in one statement (no BEGIN, read, write, COMMIT):
// the job's update decides, the run follows it, and a freed key is announced
// (pg_notify, sent at the statement's commit) only when the job was held.
const completeOnPostgresSql = keepPrepared(`
  WITH job AS (${completeJobSql}),
    run AS (
      UPDATE event_runs SET status = 'success', finished_at = @now, duration_ms = @duration_ms, output = @output, error = NULL
      FROM job WHERE event_runs.id = job.run_id),
    notice AS (SELECT pg_notify('${jobChannel}', '') FROM job WHERE job.concurrency_key IS NOT NULL)
  SELECT (SELECT count(*) FROM job) AS held, (SELECT count(*) FROM notice) AS notices`);

export interface JobSuccess {
  output: string | null;
  durationMs: number;
}

/**
 * Records a job and its run as succeeded. False when `workerId` no longer
 * holds the job (its lease expired and it was recovered): the result is
 * dropped, and the job runs again or has failed (at least once, never lost).
 */
export async function completeJob(sql: Sql, jobId: number, workerId: string, now: Date, result: JobSuccess): Promise<boolean> {
  const at = isoTime(now);
  if (unfencedPostgres(sql)) return ((await sql.get<{ held: number }>(completeOnPostgresSql, successParams(jobId, workerId, at, result)))?.held ?? 0) > 0;
  return immediate(sql, async (tx) => {
    const job = await tx.get<{ run_id: number; concurrency_key: string | null }>(completeJobSql, { id: jobId, worker: workerId, now: at });
    if (!job) return false;
    await tx.run(finishRunSuccessSql, { run_id: job.run_id, now: at, duration_ms: Math.round(result.durationMs), output: result.output });
    // Its key is free: a job waiting behind it may now be claimed, by any controller.
    if (job.concurrency_key !== null) await announceJob(tx);
    return true;
  });
}

/**
 * A succeeded attempt as the worker records it: completeJob, then the
 * event's success (recordRunOutcome: its failure count reset, its last run),
 * at `now()` read for each. On PostgreSQL without a fence both are one
 * statement, at one time, shared with the worker's other completions of the
 * event that came in meanwhile (postgres-complete-batch.ts).
 */
export async function completeJobAndRecord(sql: Sql, job: { jobId: number; eventId: string }, workerId: string, now: () => Date, result: JobSuccess): Promise<boolean> {
  if (unfencedPostgres(sql)) return completeOnPostgresBatched(sql, { jobId: job.jobId, eventId: job.eventId, workerId, at: now(), ...result });
  const held = await completeJob(sql, job.jobId, workerId, now(), result);
  await recordRunOutcome(sql, job.eventId, { success: true, at: now(), pauseAfter: 0 });
  return held;
}

function successParams(jobId: number, workerId: string, at: string, result: JobSuccess) {
  return { id: jobId, worker: workerId, now: at, duration_ms: Math.round(result.durationMs), output: result.output };
}
