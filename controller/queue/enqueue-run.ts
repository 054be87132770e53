import { keepPrepared } from "../store/sql/placeholders.js";
import type { Sql } from "../store/sql/sql.js";
import { isoTime } from "../store/time.js";
import { immediate, unfencedPostgres } from "./immediate.js";
import { jobChannel } from "./announce-job.js";

export type RunTrigger = "schedule" | "catchup" | "manual" | "webhook" | "flow";

export interface EnqueueRunInput {
  eventId: string;
  /** The slot this run is for; for manual, webhook and flow runs, the time they were asked for. */
  scheduledFor: Date;
  trigger: RunTrigger;
  /** Not claimed before this time. */
  runAt: Date;
  /** Lower runs first. */
  priority: number;
  /** 1 + the policy's retries. */
  maxAttempts: number;
  /** At most one running job per key, across events. */
  concurrencyKey?: string | null;
  /** Stored as JSON; handed back by claimJob. */
  payload?: unknown;
  /** The applied revision the run was fired under. */
  revision?: string | null;
}

// One statement for every trigger: the conflict target is the partial index
// event_runs_slot, which only holds schedule and catch-up rows, so only those
// can conflict; manual, webhook and flow runs always insert.
export const insertRunSql = `
  INSERT INTO event_runs (event_id, scheduled_for, trigger, status, revision, payload, created_at)
  VALUES (@event_id, @scheduled_for, @trigger, 'queued', @revision, @payload, @now)
  ON CONFLICT (event_id, scheduled_for) WHERE trigger IN ('schedule', 'catchup') DO NOTHING
  RETURNING id`;

export const insertJobSql = `
  INSERT INTO job_queue (run_id, event_id, status, priority, run_at, max_attempts, concurrency_key, created_at, updated_at)
  VALUES (@run_id, @event_id, 'queued', @priority, @run_at, @max_attempts, @concurrency_key, @now, @now)
  RETURNING id`;

// PostgreSQL: the run, its job and the announcement in one statement (one
// round trip per queued run, not three). A slot that already has a run
// inserts no run, so no job and no notice either.
const insertRunAndJobOnPostgresSql = keepPrepared(`
  WITH run AS (${insertRunSql}),
    job AS (
      INSERT INTO job_queue (run_id, event_id, status, priority, run_at, max_attempts, concurrency_key, created_at, updated_at)
      SELECT run.id, @event_id, 'queued', @priority, @run_at, @max_attempts, @concurrency_key, @now, @now FROM run
      RETURNING id, run_id),
    notice AS (SELECT pg_notify('${jobChannel}', '') FROM job)
  SELECT job.run_id, job.id AS job_id, (SELECT count(*) FROM notice) AS notices FROM job`);

/**
 * Queues one run of an event: its event_runs row (queued) and its job, in one
 * transaction. A schedule or catch-up slot that already has a run, whoever
 * fired it, returns undefined and queues nothing.
 */
export function enqueueRun(sql: Sql, input: EnqueueRunInput, now: Date): Promise<{ runId: number; jobId: number } | undefined> {
  // One statement on PostgreSQL: with no fence to check it needs no transaction (or savepoint) around it.
  if (unfencedPostgres(sql)) return insertRunAndJob(sql, input, now);
  return immediate(sql, (tx) => insertRunAndJob(tx, input, now));
}

/**
 * enqueueRun's body, for a caller already inside a fenced transaction
 * (queueRun): a nested one would only add a savepoint and a second fence check.
 * The ids come back by RETURNING, which both backends have (PostgreSQL has no
 * last insert rowid).
 */
export async function insertRunAndJob(tx: Sql, input: EnqueueRunInput, at: Date): Promise<{ runId: number; jobId: number } | undefined> {
  const now = isoTime(at);
  const runParams = {
    event_id: input.eventId,
    scheduled_for: isoTime(input.scheduledFor),
    trigger: input.trigger,
    revision: input.revision ?? null,
    payload: input.payload === undefined || input.payload === null ? null : JSON.stringify(input.payload),
    now,
  };
  if (tx.dialect === "postgres") {
    const jobParams = { priority: input.priority, run_at: isoTime(input.runAt), max_attempts: input.maxAttempts, concurrency_key: input.concurrencyKey ?? null };
    const queued = await tx.get<{ run_id: number; job_id: number }>(insertRunAndJobOnPostgresSql, { ...runParams, ...jobParams });
    return queued ? { runId: queued.run_id, jobId: queued.job_id } : undefined;
  }
  const run = await tx.get<{ id: number }>(insertRunSql, runParams);
  if (!run) return undefined;
  const job = await tx.get<{ id: number }>(insertJobSql, {
    run_id: run.id,
    event_id: input.eventId,
    priority: input.priority,
    run_at: isoTime(input.runAt),
    max_attempts: input.maxAttempts,
    concurrency_key: input.concurrencyKey ?? null,
    now,
  });
  if (!job) throw new Error(`the job of run ${run.id} was not inserted`);
  // Not announced: SQLite's one controller pokes its own pool (on PostgreSQL the statement above announces it).
  return { runId: run.id, jobId: job.id };
}
