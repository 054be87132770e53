import { readDefinition } from "./read-definition.js";
import type { Sql } from "./sql/sql.js";
import { statusCounts } from "./status-counts.js";
import { getSyncStatus } from "./sync-status.js";

/**
 * SPEC §10 `status`: what is live, what was tried (with its errors), counts of events and jobs,
 * today's spend and the budget it counts against (nexaas.yaml budget.daily_usd, null when unset).
 * One shape for `nexaas status --json` and `/api/status`.
 */
export async function statusReport(sql: Sql, now: Date) {
  const counts = await statusCounts(sql, now);
  const sync = await getSyncStatus(sql);
  return {
    last_applied_revision: sync.last_applied_revision,
    last_applied_at: sync.last_applied_at,
    last_attempted_revision: sync.last_attempted_revision,
    last_attempted_at: sync.last_attempted_at,
    last_result: sync.last_result,
    errors: sync.errors,
    drift: sync.drift,
    events: counts.events,
    queue: counts.queue,
    spend_today_usd: counts.spend_today_usd,
    budget_daily_usd: (await readDefinition(sql, "workspace", "workspace"))?.budget?.daily_usd ?? null,
  };
}
