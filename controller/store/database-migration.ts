import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { packageRoot } from "../package-root.js";

export interface Migration {
  id: number;
  /** The file name, e.g. `000001.sql`. */
  name: string;
  path: string;
}

const migrationsDir = join(packageRoot, "controller", "store", "migrations");
let known: Migration[] | undefined;

/** The migrations this version ships, oldest first. Read once per process. */
export function shippedMigrations(): Migration[] {
  known ??= readdirSync(migrationsDir)
    .filter((name) => /^\d{6}\.sql$/.test(name))
    .map((name) => ({ id: Number(name.slice(0, 6)), name, path: join(migrationsDir, name) }))
    .sort((a, b) => a.id - b.id);
  return known;
}

/** The newest migration this version knows. */
export function latestMigration(): number {
  return shippedMigrations().at(-1)?.id ?? 0;
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
