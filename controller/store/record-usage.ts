import type { Database } from "better-sqlite3";
import type { TokenCounts } from "../definitions/token-counts.js";
import { prepared } from "./prepared.js";
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
export function recordUsage(db: Database, usage: UsageRecord, now: Date): void {
  prepared(
    db,
    `INSERT INTO token_usage (run_id, event_id, agent, model, input_tokens, output_tokens, cache_creation_input_tokens,
       cache_read_input_tokens, cost_usd, price_table_date, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
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
  );
}
