import type { Database } from "better-sqlite3";
import type { RunSummary } from "./last-runs.js";
import { prepared } from "./prepared.js";

const columns = "id, event_id, status, attempt, scheduled_for, started_at, finished_at, duration_ms, output, error, trigger, stop_reason";

/** A run as `nexaas runs` and /api/runs list it: `stop_reason` says why an agent's loop ended (null for other actions). */
export type ListedRun = RunSummary & { trigger: string; stop_reason: string | null };

export interface RunFilter {
  eventId?: string;
  status?: RunSummary["status"];
  /** Only runs with an id below this (pagination: pass the last id seen). */
  before?: number;
  limit: number;
}

/** Runs newest first, filtered; history of deleted events included. */
export function listRuns(db: Database, filter: RunFilter): ListedRun[] {
  return prepared<{ event: string | null; status: string | null; before: number | null; limit: number }, ListedRun>(
    db,
    `SELECT ${columns} FROM event_runs
      WHERE (@event IS NULL OR event_id = @event) AND (@status IS NULL OR status = @status) AND (@before IS NULL OR id < @before)
      ORDER BY id DESC LIMIT @limit`,
  ).all({ event: filter.eventId ?? null, status: filter.status ?? null, before: filter.before ?? null, limit: filter.limit });
}

export function readRun(db: Database, id: number): (ListedRun & { payload: string | null }) | undefined {
  return prepared<[number], ListedRun & { payload: string | null }>(db, `SELECT ${columns}, payload FROM event_runs WHERE id = ?`).get(id);
}
