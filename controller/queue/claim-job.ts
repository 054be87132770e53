import type { Sql } from "../store/sql/sql.js";
import { isoTime } from "../store/time.js";
import type { RunTrigger } from "./enqueue-run.js";
import { immediate } from "./immediate.js";
import { claimOnPostgres, type PostgresClaim } from "./postgres-claim.js";
import { queuedKeysCte } from "./queued-keys.js";

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

// SQLite's claim: the pick and the take are one statement, inside an IMMEDIATE
// transaction, so two workers (or two connections) can never take one job.
// (PostgreSQL has its own, postgres-claim.ts: under READ COMMITTED this
// UPDATE ... WHERE id = (pick) could give one job to two claimers.) The pick
// is the best (priority, run_at, id) of two kinds of candidate, each found by
// a few index seeks however long the queue is:
//   - the first ready job with no concurrency key, from job_queue_free;
//   - for each key with queued jobs (queuedKeysCte) whose key has no running
//     job (job_queue_concurrency), its first ready job.
// Jobs waiting behind a busy key are never walked: with one index over every
// queued job, a backlog behind one key cost each claim a walk over all of it.
export const claimJobSql = `
  UPDATE job_queue
  SET status = 'running', lease_owner = @worker, lease_expires_at = @expires, attempts = attempts + 1, updated_at = @now,
      process_group = NULL, process_host = NULL
  WHERE id = (
    WITH RECURSIVE${queuedKeysCte},
      free_keys (key) AS (
        SELECT key FROM keys
        WHERE key IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM job_queue r WHERE r.concurrency_key = keys.key AND r.status = 'running')),
      heads (id) AS (
        SELECT (SELECT h.id FROM job_queue h
                WHERE h.status = 'queued' AND h.concurrency_key = free_keys.key AND h.run_at <= @now
                ORDER BY h.priority, h.run_at, h.id LIMIT 1)
        FROM free_keys)
    SELECT id FROM (
      SELECT * FROM (
        SELECT id, priority, run_at FROM job_queue
        WHERE status = 'queued' AND concurrency_key IS NULL AND run_at <= @now
        ORDER BY priority, run_at, id LIMIT 1)
      UNION ALL
      SELECT j.id, j.priority, j.run_at FROM heads JOIN job_queue j ON j.id = heads.id)
    ORDER BY priority, run_at, id LIMIT 1)
  RETURNING id, run_id, event_id, attempts, max_attempts`;

export const startRunSql = `
  UPDATE event_runs SET status = 'running', started_at = @now, attempt = @attempt
  WHERE id = @run_id
  RETURNING scheduled_for, trigger, payload`;

/** The job row SQLite's claim took. */
export interface TakenJob {
  id: number;
  run_id: number;
  event_id: string;
  attempts: number;
  max_attempts: number;
}

/** A claim's parameters: who takes the job, now and the lease's end (ISO times). */
export type ClaimParams = {
  worker: string;
  now: string;
  expires: string;
};

/**
 * Takes the best ready job (lowest priority, then earliest run_at, then
 * oldest) for `workerId`, leased until now + leaseMs, and marks its run
 * running. Undefined when nothing is ready.
 */
export async function claimJob(sql: Sql, workerId: string, now: Date, leaseMs: number): Promise<ClaimedJob | undefined> {
  const params = claimParams(workerId, now, leaseMs);
  if (sql.dialect === "postgres") return (await claimOnPostgres(sql, params, 1))[0]?.job;
  return immediate(sql, (tx) => claim(tx, params));
}

/**
 * PostgreSQL: claims up to `limit` jobs in claimJob's order, as that many
 * claimJob calls would, but in one statement when none has a concurrency key;
 * each comes with its event's stored spec, read in that statement
 * (postgres-claim.ts). The worker pool's claim for all its free workers.
 */
export function claimJobsOnPostgres(sql: Sql, workerId: string, now: Date, leaseMs: number, limit: number): Promise<PostgresClaim[]> {
  return limit > 0 ? claimOnPostgres(sql, claimParams(workerId, now, leaseMs), limit) : Promise.resolve([]);
}

function claimParams(workerId: string, now: Date, leaseMs: number): ClaimParams {
  return { worker: workerId, now: isoTime(now), expires: isoTime(new Date(now.getTime() + leaseMs)) };
}

async function claim(tx: Sql, params: ClaimParams): Promise<ClaimedJob | undefined> {
  const job = await tx.get<TakenJob>(claimJobSql, params);
  if (!job) return undefined;
  const run = await tx.get<{ scheduled_for: string; trigger: RunTrigger; payload: string | null }>(startRunSql, {
    run_id: job.run_id,
    attempt: job.attempts,
    now: params.now,
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
