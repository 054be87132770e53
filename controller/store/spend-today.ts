import type { Database } from "better-sqlite3";
import { prepared } from "./prepared.js";
import { isoTime } from "./time.js";

/** USD spent on priced model calls since the UTC midnight of `now` (the daily budget's day). */
export function spendToday(db: Database, now: Date): number {
  const midnight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const row = prepared(db, "SELECT total(cost_usd) AS spent FROM token_usage WHERE created_at >= ?").get(isoTime(midnight)) as { spent: number };
  return row.spent;
}
