import type { Database } from "better-sqlite3";
import { prepared } from "./prepared.js";

/**
 * The counts /metrics reads at scrape time, each from an index or a small
 * table, so a scrape costs the number of series, never the history.
 */

/** Runs waiting or running, by event and status, from the partial index event_runs_active. */
export function activeRunCounts(db: Database): { event_id: string; status: "queued" | "running"; n: number }[] {
  return prepared<[], { event_id: string; status: "queued" | "running"; n: number }>(
    db,
    "SELECT event_id, status, count(*) AS n FROM event_runs WHERE status IN ('queued', 'running') GROUP BY event_id, status",
  ).all();
}

export interface UsageTotals {
  model: string;
  calls: number;
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cost_usd: number;
}

/** Token usage per model since the store began, kept by the trigger token_usage_totals (one row per model). */
export function usageTotals(db: Database): UsageTotals[] {
  return prepared<[], UsageTotals>(db, "SELECT * FROM usage_totals ORDER BY model").all();
}

/** Applied events by condition type, from the index events_condition. */
export function eventsByCondition(db: Database): { condition_type: string; n: number }[] {
  return prepared<[], { condition_type: string; n: number }>(db, "SELECT condition_type, count(*) AS n FROM events GROUP BY condition_type").all();
}

/** Paused events, from the partial index events_paused. */
export function pausedEventCount(db: Database): number {
  return prepared<[], number>(db, "SELECT count(*) FROM events WHERE paused = 1").pluck().get() ?? 0;
}
