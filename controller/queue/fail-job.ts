import type { Sql } from "../store/sql/sql.js";
import { isoTime } from "../store/time.js";
import { announceJob } from "./announce-job.js";
import { immediate } from "./immediate.js";

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

/**
 * Records a failed attempt. With attempts left (and retryable), the job goes
 * back to the queue after its backoff (±10% jitter) and the run waits as
 * queued with the error; otherwise job and run fail.
 */
export function failJob(sql: Sql, jobId: number, workerId: string, now: Date, failure: JobFailure): Promise<FailOutcome> {
  return immediate(sql, (tx) => fail(tx, jobId, workerId, now, failure));
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
