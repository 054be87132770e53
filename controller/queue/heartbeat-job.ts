import type { Database } from "better-sqlite3";
import { prepared } from "../store/prepared.js";
import { immediate } from "./immediate.js";
import { isoTime } from "../store/time.js";

export const heartbeatJobSql = `
  UPDATE job_queue SET lease_expires_at = @expires, updated_at = @now
  WHERE id = @id AND status = 'running' AND lease_owner = @worker`;

/**
 * Extends `workerId`'s lease on a running job to now + leaseMs. False when the
 * lease is lost (recovered after expiring, released, or the job cancelled):
 * the worker should stop, as someone else may now run the job.
 */
export function heartbeatJob(db: Database, jobId: number, workerId: string, now: Date, leaseMs: number): boolean {
  return beatImmediate(db, jobId, workerId, now, leaseMs);
}

function beat(db: Database, jobId: number, workerId: string, now: Date, leaseMs: number): boolean {
  const params = { id: jobId, worker: workerId, now: isoTime(now), expires: isoTime(new Date(now.getTime() + leaseMs)) };
  return prepared(db, heartbeatJobSql).run(params).changes === 1;
}

// Fenced like every queue write: a controller that lost the lock cannot keep a lease alive.
const beatImmediate = immediate(beat);
