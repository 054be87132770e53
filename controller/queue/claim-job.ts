import type { Database } from "better-sqlite3";
import { prepared } from "../store/prepared.js";
import { isoTime } from "../store/time.js";
import type { RunTrigger } from "./enqueue-run.js";
import { immediate } from "./immediate.js";

/** A job a worker holds the lease of, with what running it needs. */
export interface ClaimedJob {
  jobId: number;
  runId: number;
  eventId: string;
  /** 1 for the first attempt. */
  attempt: number;
  maxAttempts: number;
  /** The trigger payload (parsed JSON), or null. */
  payload: unknown;
  /** ISO time of the slot. */
  scheduledFor: string;
  trigger: RunTrigger;
}

// The pick and the take are one statement, so two workers (or two
// connections) can never take one job. A job with a concurrency key waits
// while any job of that key runs (job_queue_concurrency answers that from the
// index). job_queue_ready walks queued jobs in priority, run_at order (rowid
// last, as every index ends).
export const claimJobSql = `
  UPDATE job_queue
  SET status = 'running', lease_owner = @worker, lease_expires_at = @expires, attempts = attempts + 1, updated_at = @now
  WHERE id = (
    SELECT j.id FROM job_queue j
    WHERE j.status = 'queued' AND j.run_at <= @now
      AND (j.concurrency_key IS NULL
           OR NOT EXISTS (SELECT 1 FROM job_queue r WHERE r.concurrency_key = j.concurrency_key AND r.status = 'running'))
    ORDER BY j.priority, j.run_at, j.id
    LIMIT 1)
  RETURNING id, run_id, event_id, attempts, max_attempts`;

export const startRunSql = `
  UPDATE event_runs SET status = 'running', started_at = @now, attempt = @attempt
  WHERE id = @run_id
  RETURNING scheduled_for, trigger, payload`;

/**
 * Takes the best ready job (lowest priority, then earliest run_at, then
 * oldest) for `workerId`, leased until now + leaseMs, and marks its run
 * running. Undefined when nothing is ready.
 */
export function claimJob(db: Database, workerId: string, now: Date, leaseMs: number): ClaimedJob | undefined {
  return claimImmediate(db, workerId, isoTime(now), isoTime(new Date(now.getTime() + leaseMs)));
}

function claim(db: Database, worker: string, now: string, expires: string): ClaimedJob | undefined {
  const job = prepared<{ worker: string; now: string; expires: string }, { id: number; run_id: number; event_id: string; attempts: number; max_attempts: number }>(
    db,
    claimJobSql,
  ).get({ worker, now, expires });
  if (!job) return undefined;
  const run = prepared<{ run_id: number; attempt: number; now: string }, { scheduled_for: string; trigger: RunTrigger; payload: string | null }>(db, startRunSql).get({
    run_id: job.run_id,
    attempt: job.attempts,
    now,
  });
  // The job references its run (a foreign key), so the run is there.
  if (!run) throw new Error(`job ${job.id} has no run ${job.run_id}`);
  return {
    jobId: job.id,
    runId: job.run_id,
    eventId: job.event_id,
    attempt: job.attempts,
    maxAttempts: job.max_attempts,
    payload: run.payload === null ? null : JSON.parse(run.payload),
    scheduledFor: run.scheduled_for,
    trigger: run.trigger,
  };
}

const claimImmediate = immediate(claim);
