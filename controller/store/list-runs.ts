import type { RunSummary } from "./last-runs.js";
import type { Sql } from "./sql/sql.js";

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

const runStatuses: readonly RunSummary["status"][] = ["queued", "running", "success", "failed", "cancelled"];

/**
 * The status filter as SQL. The status is written in as a literal, not bound: SQLite uses a partial
 * index only when the query's WHERE implies the index's, and a parameter implies nothing. So the
 * last failed runs (the status page's overview) come from event_runs_failed, not a walk of them all.
 */
function statusTerm(status: RunFilter["status"]): string {
  // "1" alone is no boolean on PostgreSQL; 1 = 1 is on both.
  if (status === undefined) return "1 = 1";
  if (!runStatuses.includes(status)) throw new Error(`listRuns: no run status ${JSON.stringify(status)}`);
  return `status = '${status}'`;
}

/** Runs newest first, filtered; history of deleted events included. */
export function listRuns(sql: Sql, filter: RunFilter): Promise<ListedRun[]> {
  // PostgreSQL cannot type a parameter from `IS NULL` alone: the CAST names its type (on SQLite it changes nothing).
  return sql.all<ListedRun>(
    `SELECT ${columns} FROM event_runs
      WHERE (CAST(@event AS TEXT) IS NULL OR event_id = @event) AND ${statusTerm(filter.status)} AND (CAST(@before AS INTEGER) IS NULL OR id < @before)
      ORDER BY id DESC LIMIT @limit`,
    { event: filter.eventId ?? null, before: filter.before ?? null, limit: filter.limit },
  );
}

export function readRun(sql: Sql, id: number): Promise<(ListedRun & { payload: string | null }) | undefined> {
  return sql.get<ListedRun & { payload: string | null }>(`SELECT ${columns}, payload FROM event_runs WHERE id = ?`, [id]);
}
