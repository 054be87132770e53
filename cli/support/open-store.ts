import { existsSync } from "node:fs";
import type { Database } from "better-sqlite3";
import type { PostgresSql } from "../../controller/store/sql/postgres-sql.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import type { CommonFlags } from "./command.js";
import { CommandError } from "./errors.js";

/**
 * Opens the store for a command. Read-only commands refuse a missing database
 * rather than create an empty one that would look like "nothing is running".
 */
export async function openStore(path: string, options: { create: boolean; write?: boolean }): Promise<Database> {
  if (!options.create && !existsSync(path)) {
    throw new CommandError(`no database at ${path}: run \`nexaas apply\` (or start the controller) first, or pass --db`, "no-database");
  }
  const { openDatabase } = await import("../../controller/store/open-database.js");
  // Read-only commands never migrate or write: a wrong --db is refused (StoreError), not converted.
  return openDatabase(path, { readonly: !options.create && !options.write });
}

/**
 * The store as an Sql (issue 16): the PostgreSQL database when `databaseUrl`
 * is set (--db postgres://…, DATABASE_URL), connected and migrated; else one
 * SqliteSql over the connection openStore gives. `close()` closes it.
 */
export async function openStoreSql(common: Pick<CommonFlags, "db" | "databaseUrl">, options: { create: boolean; write?: boolean }): Promise<Sql> {
  if (common.databaseUrl !== undefined) return openPostgresStore(common.databaseUrl);
  const db = await openStore(common.db, options);
  const { sqliteSql } = await import("../../controller/store/sql/sqlite-sql.js");
  return sqliteSql(db);
}

/** DATABASE_URL's store: refused with a clear message when it is not a postgres:// URL. */
export async function openPostgresStore(url: string): Promise<PostgresSql> {
  const { isPostgresUrl, openPostgres, redactUrl } = await import("../../controller/store/open-postgres.js");
  if (!isPostgresUrl(url)) throw new CommandError(`DATABASE_URL=${redactUrl(url)}: not a postgres:// URL; unset it to use the SQLite file (--db, DATABASE_PATH)`, "bad-database-url");
  return openPostgres(url);
}
