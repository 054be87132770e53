import type { Database } from "better-sqlite3";
import type { Sql } from "./sql.js";
import { SqliteSql } from "./sqlite-sql.js";

const wrappers = new WeakMap<Database, SqliteSql>();

/**
 * The one SqliteSql of `db`. The transaction mutex is per wrapper, so a
 * connection that code still passes around as a `Database` (parts not yet on
 * `Sql`, issue 16) gets the same wrapper wherever it is wrapped.
 */
export function sqliteSql(db: Database): SqliteSql {
  let sql = wrappers.get(db);
  if (!sql) {
    sql = new SqliteSql(db);
    wrappers.set(db, sql);
  }
  return sql;
}

/** `store` as Sql: entry points that callers still hand a better-sqlite3 connection accept either while issue 16 lands. */
export function asSql(store: Sql | Database): Sql {
  return isSql(store) ? store : sqliteSql(store);
}

export function isSql(store: Sql | Database): store is Sql {
  return "dialect" in store;
}
