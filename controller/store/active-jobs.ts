import type { Sql } from "./sql/sql.js";
import { isoTime } from "./time.js";

/** The jobs waiting or running: what the queue holds now, apart from its history. */
export interface ActiveJobs {
  queued: number;
  running: number;
  /** Queued jobs whose run_at has passed. */
  ready: number;
}

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

/** Queued, running and ready jobs, from the queue's partial indexes: the cost follows the queue, not its history. */
export async function activeJobs(sql: Sql, now: Date): Promise<ActiveJobs> {
  return (await sql.get<ActiveJobs>(activeJobsSql, { now: isoTime(now) })) ?? { queued: 0, running: 0, ready: 0 };
}
