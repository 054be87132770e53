import type { Database } from "better-sqlite3";
import { prepared } from "./prepared.js";

/** What the metrics observe of a run that ended: read once, by its id, when the pool reports it. */
export interface EndedRun {
  event_id: string;
  status: string;
  trigger: string;
  scheduled_for: string;
  started_at: string | null;
  duration_ms: number | null;
}

export function readEndedRun(db: Database, runId: number): EndedRun | undefined {
  return prepared<[number], EndedRun>(db, "SELECT event_id, status, trigger, scheduled_for, started_at, duration_ms FROM event_runs WHERE id = ?").get(runId);
}
