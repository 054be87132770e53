import type { Sql } from "../store/sql/sql.js";
import { isoTime } from "../store/time.js";
import { immediate, unfencedPostgres } from "./immediate.js";

export const heartbeatJobSql = `
  UPDATE job_queue SET lease_expires_at = @expires, updated_at = @now
  WHERE id = @id AND status = 'running' AND lease_owner = @worker`;

/**
 * Extends `workerId`'s lease on a running job to now + leaseMs. False when the
 * lease is lost (recovered after expiring, released, or the job cancelled):
 * the worker should stop, as someone else may now run the job.
 */
export function heartbeatJob(sql: Sql, jobId: number, workerId: string, now: Date, leaseMs: number): Promise<boolean> {
  const params = { id: jobId, worker: workerId, now: isoTime(now), expires: isoTime(new Date(now.getTime() + leaseMs)) };
  // One statement: on PostgreSQL with no fence to check, it needs no transaction around it.
  if (unfencedPostgres(sql)) return sql.run(heartbeatJobSql, params).then((r) => r.changes === 1);
  // Fenced like every queue write: a controller that lost the lock cannot keep a lease alive.
  return immediate(sql, async (tx) => (await tx.run(heartbeatJobSql, params)).changes === 1);
}
