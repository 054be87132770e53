import type { Database } from "better-sqlite3";
import { prepared } from "./prepared.js";
import type { Sql } from "./sql/sql.js";
import { isSql } from "./sql/sqlite-sql-of.js";
import { isoTime } from "./time.js";

/** USD spent on priced model calls since the UTC midnight of `now` (the daily budget's day). */
export function spendToday(sql: Sql, now: Date): Promise<number>;
/** Transitional: the run-ended notices still read it synchronously, from the connection. */
export function spendToday(db: Database, now: Date): number;
export function spendToday(store: Sql | Database, now: Date): Promise<number> | number {
  const midnight = isoTime(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())));
  // COALESCE: a sum over no rows (or only unpriced ones) is NULL; it is 0 spent.
  if (isSql(store)) return store.get<{ spent: number }>(spentSql, [midnight]).then((row) => Number(row?.spent ?? 0));
  return prepared<[string], { spent: number }>(store, spentSql).get(midnight)?.spent ?? 0;
}

const spentSql = "SELECT COALESCE(SUM(cost_usd), 0) AS spent FROM token_usage WHERE created_at >= ?";
