import type { Sql } from "./sql/sql.js";
import { isoTime } from "./time.js";

/**
 * A success resets the failure count and stamps the event's last run, unless
 * its row already says "last run succeeded, no failures" from less than a
 * second ago. On PostgreSQL every worker of every controller finishing one
 * event's runs writes that one row, and each waits for the last writer's
 * commit: a busy event's runs finished a tenth slower for it. So a busy event's
 * `last_run_at` lags its runs by up to a second; its failure count and status
 * are always exact.
 */
export const recordSuccessSql = `
  UPDATE events SET consecutive_failures = 0, last_run_at = @now, last_run_status = 'success', updated_at = @now
  WHERE name = @event_id
    AND (consecutive_failures <> 0 OR last_run_status IS NULL OR last_run_status <> 'success' OR last_run_at IS NULL OR last_run_at <= @stamped_before)`;

/** recordSuccessSql's parameters for a success at `at`. */
export function successParams(eventId: string, at: Date): { event_id: string; now: string; stamped_before: string } {
  return { event_id: eventId, now: isoTime(at), stamped_before: isoTime(new Date(at.getTime() - 1000)) };
}

/**
 * A run of an event ended for good (success, or failed after its retries).
 * A success resets the consecutive failures; a failure counts, and at
 * `pauseAfter` (0: never) the event is paused with the reason, so a broken
 * automation stops instead of failing every hour. Returns whether it paused.
 */
export async function recordRunOutcome(
  sql: Sql,
  eventId: string,
  outcome: { success: boolean; at: Date; pauseAfter: number; error?: string },
): Promise<boolean> {
  const at = isoTime(outcome.at);
  if (outcome.success) {
    await sql.run(recordSuccessSql, successParams(eventId, outcome.at));
    return false;
  }
  // The count is raised and read in one statement: two runs failing at once count twice.
  const row = await sql.get<{ consecutive_failures: number; paused: number }>(
    "UPDATE events SET consecutive_failures = consecutive_failures + 1, last_run_at = ?, last_run_status = 'failed', updated_at = ? WHERE name = ? RETURNING consecutive_failures, paused",
    [at, at, eventId],
  );
  if (!row || row.paused || outcome.pauseAfter <= 0 || row.consecutive_failures < outcome.pauseAfter) return false;
  const reason = `paused after ${row.consecutive_failures} failed runs in a row; last error: ${(outcome.error ?? "unknown").slice(0, 300)}`;
  await setEventPause(sql, eventId, { paused: true, reason, at: outcome.at });
  return true;
}

/**
 * Runtime pause and resume (`nexaas pause|resume`, or pause-after-failures):
 * kept across reconciles until resumed. Resuming clears the failure count.
 * Returns false when there is no such event.
 */
export async function setEventPause(sql: Sql, eventId: string, input: { paused: boolean; reason?: string; at: Date }): Promise<boolean> {
  const at = isoTime(input.at);
  const result = input.paused
    ? await sql.run("UPDATE events SET paused = 1, paused_reason = ?, paused_at = ?, updated_at = ? WHERE name = ?", [input.reason ?? "paused by hand", at, at, eventId])
    : await sql.run("UPDATE events SET paused = 0, paused_reason = NULL, paused_at = NULL, consecutive_failures = 0, updated_at = ? WHERE name = ?", [at, eventId]);
  return result.changes > 0;
}
