import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Sqlite from "better-sqlite3";
import type { Database } from "better-sqlite3";
import { assertKnownMigration, migrate } from "./migrate.js";
import { StoreError } from "./store-error.js";

/**
 * Opens (creating if needed) the store at `path` and brings its schema up to
 * date. A database migrated by a newer Nexaas is refused before anything is
 * written to it, WAL mode included.
 */
export function openDatabase(path: string): Database {
  const inMemory = path === ":memory:" || path === "";
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  const db = new Sqlite(path);
  try {
    // Connection settings first: they write nothing to the file.
    db.pragma("busy_timeout = 5000"); // the controller and a CLI command may write at once
    db.pragma("foreign_keys = ON");
    db.pragma("synchronous = NORMAL"); // durable enough with WAL, and much faster than FULL
    assertKnownMigration(db);
    db.pragma("journal_mode = WAL"); // readers (status, API) never block the applier
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    if ((error as { code?: unknown }).code === "SQLITE_NOTADB") {
      throw new StoreError(`${path} is not a SQLite database: pass --db with another path, or move the file away`, "not-a-database", { cause: error });
    }
    throw error;
  }
}

/** Closes the store; safe to call twice, so stop() paths need not track it. */
export function closeDatabase(db: Database): void {
  if (db.open) db.close();
}
