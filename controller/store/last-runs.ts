import type { Database } from "better-sqlite3";
import { prepared } from "./prepared.js";

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
export function lastRuns(db: Database, eventId: string, limit: number): RunSummary[] {
  return prepared<[string, number], RunSummary>(
    db,
    `SELECT id, event_id, status, attempt, scheduled_for, started_at, finished_at, duration_ms, output, error
     FROM event_runs WHERE event_id = ? ORDER BY id DESC LIMIT ?`,
  ).all(eventId, limit);
}
