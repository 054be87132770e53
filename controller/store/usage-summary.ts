import type { Database } from "better-sqlite3";
import { prepared } from "./prepared.js";
import { isoTime } from "./time.js";

export interface UsageTotals {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  /** Sum of known costs; calls of unpriced models count in tokens but not here. */
  cost_usd: number;
  /** Calls whose model had no price (their cost is unknown, never 0). */
  unpriced_calls: number;
}

const sums = `total(input_tokens) AS input_tokens, total(output_tokens) AS output_tokens,
  total(cache_creation_input_tokens) AS cache_creation_input_tokens, total(cache_read_input_tokens) AS cache_read_input_tokens,
  round(total(cost_usd), 6) AS cost_usd, sum(cost_usd IS NULL) AS unpriced_calls`;

type Row = UsageTotals & Record<string, unknown>;
const clean = (r: Row): Row => ({ ...r, unpriced_calls: Number(r.unpriced_calls ?? 0) });

/** Tokens and cost since a time, in total and by model, agent, event and UTC day (SPEC §10 `usage`). */
export function usageSummary(db: Database, since: Date) {
  const at = isoTime(since);
  const by = (column: string, key: string) =>
    (prepared(db, `SELECT ${column} AS ${key}, ${sums} FROM token_usage WHERE created_at >= ? GROUP BY 1 ORDER BY cost_usd DESC, 1`).all(at) as Row[]).map(clean);
  const total = clean(prepared(db, `SELECT ${sums} FROM token_usage WHERE created_at >= ?`).get(at) as Row);
  return {
    since: at,
    total,
    by_model: by("model", "model"),
    by_agent: by("agent", "agent"),
    by_event: by("event_id", "event"),
    by_day: by("substr(created_at, 1, 10)", "day"),
  };
}
