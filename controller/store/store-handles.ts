import type { Database } from "better-sqlite3";
import type { PostgresSql } from "./sql/postgres-sql.js";
import type { Sql } from "./sql/sql.js";
import { sqlView } from "./sql/sql-view.js";
import { sqliteSql } from "./sql/sqlite-sql.js";

/** A controller's handles on its store. */
export interface StoreHandles {
  /** SQLite: the file's connection (its lock, its faults); undefined on PostgreSQL. */
  db: Database | undefined;
  /** What every part reads and writes through. */
  sql: Sql;
  /**
   * The reconciler's, the scheduler's and retention's, fenced while the controller owns the
   * database or leads it. On PostgreSQL a view of its own, so that the fence is theirs alone and
   * the workers (every controller's) write unfenced.
   */
  leaderSql: Sql;
}

/** `store`: a SQLite connection (openDatabase) or a PostgreSQL pool (openPostgres, migrated). */
export function storeHandles(store: Database | PostgresSql): StoreHandles {
  if ("dialect" in store) return { db: undefined, sql: store, leaderSql: sqlView(store) };
  const sql = sqliteSql(store);
  return { db: store, sql, leaderSql: sql };
}
