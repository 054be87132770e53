import type { Database } from "better-sqlite3";
import type { Sql } from "./sql.js";
import { SqliteSql } from "./sqlite-sql.js";

/**
 * The better-sqlite3 connection under `sql`, for a call into a store function
 * that still takes one (issue 16 converts them slice by slice). On PostgreSQL
 * there is none: the error names the function that is not converted yet.
 */
export function sqliteOnly(sql: Sql, what: string): Database {
  if (sql instanceof SqliteSql) return sql.db;
  throw new Error(`${what} runs on SQLite only until it takes an Sql (issue 16)`);
}
