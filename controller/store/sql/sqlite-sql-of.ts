import type { Database } from "better-sqlite3";
import type { Sql } from "./sql.js";
import { sqliteSql } from "./sqlite-sql.js";

// The one wrapper per connection lives in sqlite-sql.ts; importers of this file get the same one.
export { sqliteSql } from "./sqlite-sql.js";

/** `store` as Sql: entry points that callers still hand a better-sqlite3 connection accept either while issue 16 lands. */
export function asSql(store: Sql | Database): Sql {
  return isSql(store) ? store : sqliteSql(store);
}

export function isSql(store: Sql | Database): store is Sql {
  return "dialect" in store;
}
