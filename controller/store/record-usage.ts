import type { TokenCounts } from "../definitions/token-counts.js";
import type { Sql } from "./sql/sql.js";
import { isoTime } from "./time.js";

export interface UsageRecord extends TokenCounts {
  runId: number | null;
  eventId: string | null;
  agent: string | null;
  model: string;
  /** null when the model has no price (never 0 by guess). */
  costUsd: number | null;
  priceTableDate: string | null;
}

/** One model call's tokens and cost (SPEC §3 model calls). */
export async function recordUsage(sql: Sql, usage: UsageRecord, now: Date): Promise<void> {
  await sql.run(
    `INSERT INTO token_usage (run_id, event_id, agent, model, input_tokens, output_tokens, cache_creation_input_tokens,
       cache_read_input_tokens, cost_usd, price_table_date, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      usage.runId,
      usage.eventId,
      usage.agent,
      usage.model,
      usage.input_tokens,
      usage.output_tokens,
      usage.cache_creation_input_tokens,
      usage.cache_read_input_tokens,
      usage.costUsd,
      usage.priceTableDate,
      isoTime(now),
    ],
  );
}
