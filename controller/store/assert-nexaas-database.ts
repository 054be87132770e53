import type { Database } from "better-sqlite3";
import { databaseMigration, hasMigrationsTable, latestMigration } from "./database-migration.js";
import { StoreError } from "./store-error.js";

/**
 * Refuses, before anything is written, a database openDatabase must not use.
 * Reads only, so a refused file is left exactly as it was.
 *
 * - Someone else's SQLite file (schema but no `migrations` table): migrating it
 *   would add every table to it (`status --db other.sqlite` once did). A new,
 *   empty file is fine to write: it becomes a Nexaas database.
 * - Migrated by a newer Nexaas: this version would not know its tables.
 * - For reading only, migrated by an older Nexaas (or not at all): the reader
 *   cannot upgrade it, and its queries assume the latest schema.
 */
export function assertNexaasDatabase(db: Database, path: string, access: "read" | "write"): void {
  if (!hasMigrationsTable(db)) {
    // Any schema object (table, index, view) means the file holds someone's data.
    const empty = db.prepare("SELECT 1 FROM sqlite_master LIMIT 1").get() === undefined;
    if (access === "read" || !empty) {
      throw new StoreError(
        `${path} is not a Nexaas database: it has no migrations table` +
          (empty ? " (it is empty)" : "") +
          ". Pass --db with the path of the controller's database.",
        "not-nexaas",
      );
    }
    return;
  }
  const current = databaseMigration(db);
  const latest = latestMigration();
  if (current > latest) {
    throw new StoreError(
      `the database ${path} is at migration ${current}, but this version of Nexaas knows migrations up to ${latest} only: ` +
        `a newer Nexaas has used it. Upgrade Nexaas, or pass --db to use another database.`,
      "db-newer",
    );
  }
  if (access === "read" && current < latest) {
    throw new StoreError(
      `the database ${path} is at migration ${current}, but this version of Nexaas needs migration ${latest}: ` +
        "run `nexaas apply` or `nexaas start` to upgrade it.",
      "db-older",
    );
  }
}
