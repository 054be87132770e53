import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { packageRoot } from "../package-root.js";
import { type Migration, migrationFolder } from "./migration-files.js";

const sqliteMigrations = migrationFolder(join(packageRoot, "controller", "store", "migrations"));

/** The migrations this version ships, oldest first. Read once per process. */
export function shippedMigrations(): Migration[] {
  return sqliteMigrations.all();
}

/** The newest migration this version knows. */
export function latestMigration(): number {
  return sqliteMigrations.latest();
}

/** Whether `db` has the table migrate() records itself in: what marks a Nexaas database. Reads only. */
export function hasMigrationsTable(db: Database): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'").get() !== undefined;
}

/** The newest migration recorded in `db`; 0 for a new database. Reads only. */
export function databaseMigration(db: Database): number {
  if (!hasMigrationsTable(db)) return 0;
  return db.prepare<[], number | null>("SELECT max(id) FROM migrations").pluck().get() ?? 0;
}
