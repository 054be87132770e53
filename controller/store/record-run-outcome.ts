import type { Database } from "better-sqlite3";
import { prepared } from "./prepared.js";
import { isoTime } from "./time.js";

/**
 * A run of an event ended for good (success, or failed after its retries).
 * A success resets the consecutive failures; a failure counts, and at
 * `pauseAfter` (0: never) the event is paused with the reason, so a broken
 * automation stops instead of failing every hour. Returns whether it paused.
 */
export function recordRunOutcome(
  db: Database,
  eventId: string,
  outcome: { success: boolean; at: Date; pauseAfter: number; error?: string },
): boolean {
  const at = isoTime(outcome.at);
  if (outcome.success) {
    prepared(db, "UPDATE events SET consecutive_failures = 0, last_run_at = ?, last_run_status = 'success', updated_at = ? WHERE name = ?").run(at, at, eventId);
    return false;
  }
  const row = prepared<[string, string, string], { consecutive_failures: number; paused: number }>(
    db,
    "UPDATE events SET consecutive_failures = consecutive_failures + 1, last_run_at = ?, last_run_status = 'failed', updated_at = ? WHERE name = ? RETURNING consecutive_failures, paused",
  ).get(at, at, eventId);
  if (!row || row.paused || outcome.pauseAfter <= 0 || row.consecutive_failures < outcome.pauseAfter) return false;
  const reason = `paused after ${row.consecutive_failures} failed runs in a row; last error: ${(outcome.error ?? "unknown").slice(0, 300)}`;
  setEventPause(db, eventId, { paused: true, reason, at: outcome.at });
  return true;
}

/**
 * Runtime pause and resume (`nexaas pause|resume`, or pause-after-failures):
 * kept across reconciles until resumed. Resuming clears the failure count.
 * Returns false when there is no such event.
 */
export function setEventPause(db: Database, eventId: string, input: { paused: boolean; reason?: string; at: Date }): boolean {
  const at = isoTime(input.at);
  const result = input.paused
    ? prepared(db, "UPDATE events SET paused = 1, paused_reason = ?, paused_at = ?, updated_at = ? WHERE name = ?").run(input.reason ?? "paused by hand", at, at, eventId)
    : prepared(db, "UPDATE events SET paused = 0, paused_reason = NULL, paused_at = NULL, consecutive_failures = 0, updated_at = ? WHERE name = ?").run(at, eventId);
  return result.changes > 0;
}
