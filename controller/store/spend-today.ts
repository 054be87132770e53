import type { Sql } from "./sql/sql.js";
import { isoTime } from "./time.js";

/** USD spent on priced model calls since the UTC midnight of `now` (the daily budget's day). */
export async function spendToday(sql: Sql, now: Date): Promise<number> {
  const midnight = isoTime(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())));
  // COALESCE: a sum over no rows (or only unpriced ones) is NULL; it is 0 spent.
  const row = await sql.get<{ spent: number }>("SELECT COALESCE(SUM(cost_usd), 0) AS spent FROM token_usage WHERE created_at >= ?", [midnight]);
  return Number(row?.spent ?? 0);
}
