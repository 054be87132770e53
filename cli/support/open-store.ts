import { existsSync } from "node:fs";
import type { Database } from "better-sqlite3";
import type { SqliteSql } from "../../controller/store/sql/sqlite-sql.js";
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

/** The store as an Sql (issue 16): one SqliteSql over the connection openStore gives; `close()` closes both. */
export async function openStoreSql(path: string, options: { create: boolean; write?: boolean }): Promise<SqliteSql> {
  const db = await openStore(path, options);
  const { sqliteSql } = await import("../../controller/store/sql/sqlite-sql.js");
  return sqliteSql(db);
}
