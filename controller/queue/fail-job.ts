import type { Sql } from "../store/sql/sql.js";
import { isoTime } from "../store/time.js";
import { keepPrepared } from "../store/sql/placeholders.js";
import { announceJob, jobChannel } from "./announce-job.js";
import { immediate, unfencedPostgres } from "./immediate.js";

export const heldJobSql = `
  SELECT run_id, attempts, max_attempts, concurrency_key FROM job_queue
  WHERE id = @id AND status = 'running' AND lease_owner = @worker`;

// The job's writes repeat the read's condition (still running, still this
// worker's): on PostgreSQL the transaction does not hold the row between the
// read and the write, and a recovery may take the job back meanwhile. The
// attempt counts it read cannot change meanwhile: only a claim raises them.
export const retryJobSql = `
  UPDATE job_queue SET status = 'queued', run_at = @run_at, lease_owner = NULL, lease_expires_at = NULL, last_error = @error, updated_at = @now
  WHERE id = @id AND status = 'running' AND lease_owner = @worker`;

// The run waits with its job; the error says why it is waiting.
export const retryRunSql = `
  UPDATE event_runs SET status = 'queued', duration_ms = @duration_ms, error = @error
  WHERE id = @run_id`;

export const failJobSql = `
  UPDATE job_queue SET status = 'failed', lease_owner = NULL, lease_expires_at = NULL, last_error = @error, updated_at = @now
  WHERE id = @id AND status = 'running' AND lease_owner = @worker`;

export const finishRunFailedSql = `
  UPDATE event_runs SET status = 'failed', finished_at = @now, duration_ms = @duration_ms, error = @error
  WHERE id = @run_id`;

export interface JobFailure {
  error: string;
  /** Delay before each retry; the last one repeats. */
  backoffMs: number[];
  /** false: fail now whatever attempts remain (the event is gone, the action can never work). */
  retryable?: boolean;
  durationMs: number;
  /** In [0, 1), for the ±10% jitter; Math.random unless a test fixes it. */
  random?: () => number;
}

export interface FailOutcome {
  /** The run failed for good (no attempt left, or not retryable). */
  final: boolean;
  /** When the retry may be claimed. */
  retryAt?: Date;
  /** `workerId` no longer held the job (its lease expired and it was recovered): nothing was recorded. */
  leaseLost?: boolean;
}

/** The jitter on each retry delay: ±10%, so jobs that failed together do not retry together. */
export const jitter = 0.1;

// PostgreSQL, no fence: failJob in one statement, without the read. The job's
// update decides from its own row (still running and this worker's; attempts
// left) and picks its retry time from @retry_ats, one per attempt number (the
// last repeating, as the backoff's last delay does); the run follows, and a
// freed key is announced.
const failOnPostgresSql = keepPrepared(`
  WITH job AS (
      UPDATE job_queue
      SET status = CASE WHEN @retryable AND attempts < max_attempts THEN 'queued' ELSE 'failed' END,
          run_at = CASE WHEN @retryable AND attempts < max_attempts
                        THEN (@retry_ats::text[])[least(attempts, cardinality(@retry_ats::text[]))] ELSE run_at END,
          lease_owner = NULL, lease_expires_at = NULL, last_error = @error, updated_at = @now
      WHERE id = @id AND status = 'running' AND lease_owner = @worker
      RETURNING run_id, concurrency_key, status, run_at),
    run AS (
      UPDATE event_runs r
      SET status = job.status, error = @error, duration_ms = @duration_ms,
          finished_at = CASE WHEN job.status = 'failed' THEN @now ELSE r.finished_at END
      FROM job WHERE r.id = job.run_id
      RETURNING 1),
    notice AS (SELECT pg_notify('${jobChannel}', '') FROM job WHERE job.concurrency_key IS NOT NULL)
  SELECT status, run_at, (SELECT count(*) FROM run) AS runs, (SELECT count(*) FROM notice) AS notices FROM job`);

/**
 * Records a failed attempt. With attempts left (and retryable), the job goes
 * back to the queue after its backoff (±10% jitter) and the run waits as
 * queued with the error; otherwise job and run fail.
 */
export async function failJob(sql: Sql, jobId: number, workerId: string, now: Date, failure: JobFailure): Promise<FailOutcome> {
  if (unfencedPostgres(sql)) return failOnPostgres(sql, jobId, workerId, now, failure);
  return immediate(sql, (tx) => fail(tx, jobId, workerId, now, failure));
}

async function failOnPostgres(sql: Sql, id: number, worker: string, now: Date, failure: JobFailure): Promise<FailOutcome> {
  // The retry time for each attempt number the job may be on (its attempts are read by the update).
  const random = failure.random ?? Math.random;
  const retryAts = Array.from({ length: Math.max(1, failure.backoffMs.length) }, (_, i) => isoTime(new Date(now.getTime() + retryDelayMs(failure.backoffMs, i + 1, random))));
  const job = await sql.get<{ status: "queued" | "failed"; run_at: string }>(failOnPostgresSql, {
    id,
    worker,
    retryable: failure.retryable !== false,
    retry_ats: retryAts,
    error: failure.error,
    now: isoTime(now),
    duration_ms: Math.round(failure.durationMs),
  });
  if (!job) return { final: false, leaseLost: true };
  return job.status === "queued" ? { final: false, retryAt: new Date(job.run_at) } : { final: true };
}

/** The delay before the retry that follows attempt `attempt` (1-based). */
export function retryDelayMs(backoffMs: readonly number[], attempt: number, random: () => number): number {
  const base = backoffMs[Math.min(attempt, backoffMs.length) - 1] ?? 0;
  return Math.max(0, Math.round(base * (1 + (random() * 2 - 1) * jitter)));
}

async function fail(tx: Sql, id: number, worker: string, now: Date, failure: JobFailure): Promise<FailOutcome> {
  const lost = { final: false, leaseLost: true };
  const job = await tx.get<{ run_id: number; attempts: number; max_attempts: number; concurrency_key: string | null }>(heldJobSql, { id, worker });
  if (!job) return lost;
  // Either way its key is free: a job waiting behind it may now be claimed, by any controller.
  if (job.concurrency_key !== null) await announceJob(tx);
  const at = isoTime(now);
  const run = { run_id: job.run_id, duration_ms: Math.round(failure.durationMs), error: failure.error };
  if (failure.retryable !== false && job.attempts < job.max_attempts) {
    const retryAt = new Date(now.getTime() + retryDelayMs(failure.backoffMs, job.attempts, failure.random ?? Math.random));
    if ((await tx.run(retryJobSql, { id, worker, run_at: isoTime(retryAt), error: failure.error, now: at })).changes === 0) return lost;
    await tx.run(retryRunSql, run);
    return { final: false, retryAt };
  }
  if ((await tx.run(failJobSql, { id, worker, error: failure.error, now: at })).changes === 0) return lost;
  await tx.run(finishRunFailedSql, { ...run, now: at });
  return { final: true };
}
