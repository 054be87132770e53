import type { Database } from "better-sqlite3";
import { enqueueRun, type EnqueueRunInput } from "../../controller/queue/enqueue-run.js";

export { freshDb, track } from "../store/helpers.js";

export const t0 = new Date("2026-11-23T09:00:00.000Z");
/** t0 plus `ms`. */
export const after = (ms: number, from: Date = t0): Date => new Date(from.getTime() + ms);

/** Queues a run of `eventId` ready at t0 (a manual run unless `input` says otherwise); fails the test if nothing was queued. */
export function enqueue(db: Database, eventId: string, input: Partial<EnqueueRunInput> = {}, now: Date = t0): { runId: number; jobId: number } {
  const queued = enqueueRun(db, { eventId, scheduledFor: now, trigger: "manual", runAt: now, priority: 5, maxAttempts: 3, ...input }, now);
  if (!queued) throw new Error(`nothing queued for ${eventId}`);
  return queued;
}

export interface RunRow {
  status: string;
  attempt: number;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  output: string | null;
  error: string | null;
}

export interface JobRow {
  status: string;
  attempts: number;
  run_at: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  last_error: string | null;
}

export const runRow = (db: Database, runId: number): RunRow =>
  db.prepare("SELECT status, attempt, started_at, finished_at, duration_ms, output, error FROM event_runs WHERE id = ?").get(runId) as RunRow;

export const jobRow = (db: Database, jobId: number): JobRow =>
  db.prepare("SELECT status, attempts, run_at, lease_owner, lease_expires_at, last_error FROM job_queue WHERE id = ?").get(jobId) as JobRow;
