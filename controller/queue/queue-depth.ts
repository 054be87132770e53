import type { Database } from "better-sqlite3";
import { prepared } from "../store/prepared.js";
import { isoTime } from "../store/time.js";

export type JobStatus = "queued" | "running" | "success" | "failed" | "cancelled";

/** Jobs per status, and how many queued ones may be claimed now (run_at passed). */
export interface QueueDepth extends Record<JobStatus, number> {
  ready: number;
}

/** The jobs waiting or running: what the queue holds now, apart from its history. */
export interface ActiveJobs {
  queued: number;
  running: number;
  /** Queued jobs whose run_at has passed. */
  ready: number;
}

// store/status-counts counts only queued and running for `nexaas status`; the
// pool and the bench want every status and the ready part of the queue.
const countsSql = "SELECT status, count(*) AS n FROM job_queue GROUP BY status";

// Queued jobs are in job_queue_free (no concurrency key) or job_queue_keyed, never both,
// and running ones in job_queue_lease: each count reads its partial index alone, never
// the finished jobs (nearly every row, over time).
export const activeJobsSql = `
  SELECT
    (SELECT count(*) FROM job_queue WHERE status = 'queued' AND concurrency_key IS NULL)
      + (SELECT count(*) FROM job_queue WHERE status = 'queued' AND concurrency_key IS NOT NULL) AS queued,
    (SELECT count(*) FROM job_queue WHERE status = 'running') AS running,
    (SELECT count(*) FROM job_queue WHERE status = 'queued' AND concurrency_key IS NULL AND run_at <= @now)
      + (SELECT count(*) FROM job_queue WHERE status = 'queued' AND concurrency_key IS NOT NULL AND run_at <= @now) AS ready`;

/** Every status: finished jobs are counted too, so this reads the whole table (the API's /api/queue). */
export function queueDepth(db: Database, now: Date): QueueDepth {
  const depth: QueueDepth = { queued: 0, running: 0, success: 0, failed: 0, cancelled: 0, ready: 0 };
  for (const row of prepared<[], { status: JobStatus; n: number }>(db, countsSql).all()) depth[row.status] = row.n;
  depth.ready = activeJobs(db, now).ready;
  return depth;
}

/** Queued, running and ready jobs, from the queue's partial indexes: the cost follows the queue, not its history. */
export function activeJobs(db: Database, now: Date): ActiveJobs {
  return prepared<{ now: string }, ActiveJobs>(db, activeJobsSql).get({ now: isoTime(now) }) ?? { queued: 0, running: 0, ready: 0 };
}
