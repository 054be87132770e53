import type { UsageTotals } from "./usage-summary.js";
import type { Sql } from "./sql/sql.js";
import { isoTime } from "./time.js";

// Written for both backends: coalesce(sum(), 0) for SQLite's total(), the cost cast to NUMERIC
// because PostgreSQL rounds to places only a numeric (SQLite's round gives the same REAL), and
// the unpriced calls counted as the rows without a cost.
const sums = `coalesce(sum(input_tokens), 0) AS input_tokens, coalesce(sum(output_tokens), 0) AS output_tokens,
  coalesce(sum(cache_creation_input_tokens), 0) AS cache_creation_input_tokens, coalesce(sum(cache_read_input_tokens), 0) AS cache_read_input_tokens,
  round(CAST(coalesce(sum(cost_usd), 0) AS NUMERIC), 6) AS cost_usd, count(*) - count(cost_usd) AS unpriced_calls`;

type Row = UsageTotals & Record<string, unknown>;
const emptyTotals: Row = { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, cost_usd: 0, unpriced_calls: 0 };
const clean = (r: Row): Row => ({ ...r, unpriced_calls: Number(r.unpriced_calls ?? 0) });

/**
 * Tokens and cost in [since, until) (until null: no end), in total and by model,
 * agent, event and UTC day: usageSummary with an end, for the API's `until`.
 */
export async function usageBetween(sql: Sql, since: Date, until: Date | null) {
  const range = { since: isoTime(since), until: until ? isoTime(until) : null };
  // PostgreSQL cannot type a parameter from `IS NULL` alone: the CAST names its type (on SQLite it changes nothing).
  const where = "created_at >= @since AND (CAST(@until AS TEXT) IS NULL OR created_at < @until)";
  // Equal costs in SQLite's order on both: no model (agent, event) first, then by bytes.
  const then = (column: string) => (sql.dialect === "postgres" ? `${column} COLLATE "C" NULLS FIRST` : "1");
  const by = async (column: string, key: string) =>
    (await sql.all<Row>(`SELECT ${column} AS ${key}, ${sums} FROM token_usage WHERE ${where} GROUP BY 1 ORDER BY cost_usd DESC, ${then(column)}`, range)).map(clean);
  // An aggregate without GROUP BY always returns its one row.
  const total = clean((await sql.get<Row>(`SELECT ${sums} FROM token_usage WHERE ${where}`, range)) ?? emptyTotals);
  return {
    since: range.since,
    until: range.until,
    total,
    by_model: await by("model", "model"),
    by_agent: await by("agent", "agent"),
    by_event: await by("event_id", "event"),
    by_day: await by("substr(created_at, 1, 10)", "day"),
  };
}
