import { byBytes } from "./definition-tables.js";
import type { Sql } from "./sql/sql.js";

/**
 * The counts /metrics reads at scrape time, each from an index or a small
 * table, so a scrape costs the number of series, never the history.
 */

/** Runs waiting or running, by event and status, from the partial index event_runs_active. */
export function activeRunCounts(sql: Sql): Promise<{ event_id: string; status: "queued" | "running"; n: number }[]> {
  return sql.all<{ event_id: string; status: "queued" | "running"; n: number }>(
    "SELECT event_id, status, count(*) AS n FROM event_runs WHERE status IN ('queued', 'running') GROUP BY event_id, status",
  );
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
export function usageTotals(sql: Sql): Promise<UsageTotals[]> {
  return sql.all<UsageTotals>(
    `SELECT model, calls, input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens, cost_usd FROM usage_totals ORDER BY model${byBytes(sql)}`,
  );
}

/** Applied events by condition type, from the index events_condition. */
export function eventsByCondition(sql: Sql): Promise<{ condition_type: string; n: number }[]> {
  return sql.all<{ condition_type: string; n: number }>("SELECT condition_type, count(*) AS n FROM events GROUP BY condition_type");
}

/** Paused events, from the partial index events_paused. */
export async function pausedEventCount(sql: Sql): Promise<number> {
  return (await sql.get<{ n: number }>("SELECT count(*) AS n FROM events WHERE paused = 1"))?.n ?? 0;
}
