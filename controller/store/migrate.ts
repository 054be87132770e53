import { readFileSync } from "node:fs";
import type { Database } from "better-sqlite3";
import { assertNexaasDatabase } from "./assert-nexaas-database.js";
import { shippedMigrations } from "./database-migration.js";
import { StoreError } from "./store-error.js";
import { isoTime } from "./time.js";

export { databaseMigration, latestMigration } from "./database-migration.js";

/**
 * Applies every migration the database lacks, each in its own transaction that
 * records itself first (as graphile-worker does). The write lock is taken up
 * front (BEGIN IMMEDIATE) and the record checked again inside, so two processes
 * opening one new database apply each migration once. Returns the ids applied.
 *
 * Refuses (writing nothing) someone else's SQLite file and a database a newer
 * Nexaas migrated: see assertNexaasDatabase.
 */
export function migrate(db: Database): number[] {
  assertNexaasDatabase(db, db.name, "write");
  // Created alone, before any migration's tables: a second process opening the
  // same new file meanwhile sees either an empty file or a migrations table,
  // never tables without one (which it would refuse as "not-nexaas").
  db.exec("CREATE TABLE IF NOT EXISTS migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
  const isApplied = db.prepare("SELECT 1 FROM migrations WHERE id = ?");
  const record = db.prepare("INSERT INTO migrations (id, name, applied_at) VALUES (?, ?, ?)");
  const applied: number[] = [];
  for (const migration of shippedMigrations()) {
    if (isApplied.get(migration.id)) continue;
    const sql = readFileSync(migration.path, "utf8");
    db.transaction(() => {
      if (isApplied.get(migration.id)) return;
      record.run(migration.id, migration.name, isoTime(new Date()));
      try {
        db.exec(sql);
      } catch (error) {
        throw new StoreError(`migration ${migration.name} failed on ${db.name}: ${error instanceof Error ? error.message : String(error)}`, "bad-migration", { cause: error });
      }
      applied.push(migration.id);
    }).immediate();
  }
  return applied;
}
