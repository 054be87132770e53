import type { Database } from "better-sqlite3";
import type { UsageTotals } from "./usage-summary.js";
import { prepared } from "./prepared.js";
import { isoTime } from "./time.js";

const sums = `total(input_tokens) AS input_tokens, total(output_tokens) AS output_tokens,
  total(cache_creation_input_tokens) AS cache_creation_input_tokens, total(cache_read_input_tokens) AS cache_read_input_tokens,
  round(total(cost_usd), 6) AS cost_usd, sum(cost_usd IS NULL) AS unpriced_calls`;

type Row = UsageTotals & Record<string, unknown>;
const emptyTotals: Row = { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, cost_usd: 0, unpriced_calls: 0 };
const clean = (r: Row): Row => ({ ...r, unpriced_calls: Number(r.unpriced_calls ?? 0) });

/**
 * Tokens and cost in [since, until) (until null: no end), in total and by model,
 * agent, event and UTC day: usageSummary with an end, for the API's `until`.
 */
export function usageBetween(db: Database, since: Date, until: Date | null) {
  const range = { since: isoTime(since), until: until ? isoTime(until) : null };
  const where = "created_at >= @since AND (@until IS NULL OR created_at < @until)";
  const by = (column: string, key: string) =>
    prepared<typeof range, Row>(db, `SELECT ${column} AS ${key}, ${sums} FROM token_usage WHERE ${where} GROUP BY 1 ORDER BY cost_usd DESC, 1`).all(range).map(clean);
  // An aggregate without GROUP BY always returns its one row.
  const total = clean(prepared<typeof range, Row>(db, `SELECT ${sums} FROM token_usage WHERE ${where}`).get(range) ?? emptyTotals);
  return {
    since: range.since,
    until: range.until,
    total,
    by_model: by("model", "model"),
    by_agent: by("agent", "agent"),
    by_event: by("event_id", "event"),
    by_day: by("substr(created_at, 1, 10)", "day"),
  };
}
