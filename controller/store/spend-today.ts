import type { Database } from "better-sqlite3";
import { prepared } from "./prepared.js";
import { isoTime } from "./time.js";

/** USD spent on priced model calls since the UTC midnight of `now` (the daily budget's day). */
export function spendToday(db: Database, now: Date): number {
  const midnight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  // total() is 0.0 over no rows, so there is always a value.
  return prepared<[string], number>(db, "SELECT total(cost_usd) FROM token_usage WHERE created_at >= ?").pluck().get(isoTime(midnight)) ?? 0;
}
