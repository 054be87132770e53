import type { Sql } from "../store/sql/sql.js";
import { isoTime } from "../store/time.js";
import { announceJob } from "./announce-job.js";
import { immediate } from "./immediate.js";

export const completeJobSql = `
  UPDATE job_queue SET status = 'success', lease_owner = NULL, lease_expires_at = NULL, updated_at = @now
  WHERE id = @id AND status = 'running' AND lease_owner = @worker
  RETURNING run_id, concurrency_key`;

// A failed earlier attempt's error is cleared: the run succeeded, and its
// attempt number says it took retries.
export const finishRunSuccessSql = `
  UPDATE event_runs SET status = 'success', finished_at = @now, duration_ms = @duration_ms, output = @output, error = NULL
  WHERE id = @run_id`;

export interface JobSuccess {
  output: string | null;
  durationMs: number;
}

/**
 * Records a job and its run as succeeded. False when `workerId` no longer
 * holds the job (its lease expired and it was recovered): the result is
 * dropped, and the job runs again or has failed (at least once, never lost).
 */
export function completeJob(sql: Sql, jobId: number, workerId: string, now: Date, result: JobSuccess): Promise<boolean> {
  const at = isoTime(now);
  return immediate(sql, async (tx) => {
    const job = await tx.get<{ run_id: number; concurrency_key: string | null }>(completeJobSql, { id: jobId, worker: workerId, now: at });
    if (!job) return false;
    await tx.run(finishRunSuccessSql, { run_id: job.run_id, now: at, duration_ms: Math.round(result.durationMs), output: result.output });
    // Its key is free: a job waiting behind it may now be claimed, by any controller.
    if (job.concurrency_key !== null) await announceJob(tx);
    return true;
  });
}
