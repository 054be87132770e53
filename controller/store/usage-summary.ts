import type { Sql } from "./sql/sql.js";
import { usageBetween } from "./usage-between.js";

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

/** Tokens and cost since a time (no end), in total and by model, agent, event and UTC day (SPEC §10 `usage`). */
export function usageSummary(sql: Sql, since: Date) {
  return usageBetween(sql, since, null);
}
