import type { Sql } from "./sql/sql.js";

/** One run as `nexaas runs --json` shows it (SPEC §10). */
export interface RunSummary {
  id: number;
  event_id: string;
  status: "queued" | "running" | "success" | "failed" | "cancelled";
  attempt: number;
  scheduled_for: string;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  output: string | null;
  error: string | null;
}

/** The newest `limit` runs of an event, newest first; runs of deleted events are history and still listed. */
export function lastRuns(sql: Sql, eventId: string, limit: number): Promise<RunSummary[]> {
  return sql.all<RunSummary>(
    `SELECT id, event_id, status, attempt, scheduled_for, started_at, finished_at, duration_ms, output, error
     FROM event_runs WHERE event_id = ? ORDER BY id DESC LIMIT ?`,
    [eventId, limit],
  );
}
