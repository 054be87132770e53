import { activeJobs } from "../store/active-jobs.js";
import type { Sql } from "../store/sql/sql.js";

export type JobStatus = "queued" | "running" | "success" | "failed" | "cancelled";

/** Jobs per status, and how many queued ones may be claimed now (run_at passed). */
export interface QueueDepth extends Record<JobStatus, number> {
  ready: number;
}

// store/status-counts counts only queued and running for `nexaas status`; the
// pool and the bench want every status and the ready part of the queue.
const countsSql = "SELECT status, count(*) AS n FROM job_queue GROUP BY status";

/** Every status: finished jobs are counted too, so this reads the whole table (the API's /api/queue). */
export async function queueDepth(sql: Sql, now: Date): Promise<QueueDepth> {
  const depth: QueueDepth = { queued: 0, running: 0, success: 0, failed: 0, cancelled: 0, ready: 0 };
  for (const row of await sql.all<{ status: JobStatus; n: number }>(countsSql)) depth[row.status] = row.n;
  depth.ready = (await activeJobs(sql, now)).ready;
  return depth;
}

export { activeJobs, type ActiveJobs } from "../store/active-jobs.js";
