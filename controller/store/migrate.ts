import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { packageRoot } from "../package-root.js";
import { StoreError } from "./store-error.js";
import { isoTime } from "./time.js";

interface Migration {
  id: number;
  /** The file name, e.g. `000001.sql`. */
  name: string;
  path: string;
}

const migrationsDir = join(packageRoot, "controller", "store", "migrations");
let known: Migration[] | undefined;

/** The migrations this version ships, oldest first. Read once per process. */
function migrations(): Migration[] {
  known ??= readdirSync(migrationsDir)
    .filter((name) => /^\d{6}\.sql$/.test(name))
    .map((name) => ({ id: Number(name.slice(0, 6)), name, path: join(migrationsDir, name) }))
    .sort((a, b) => a.id - b.id);
  return known;
}

/** The newest migration this version knows. */
export function latestMigration(): number {
  return migrations().at(-1)?.id ?? 0;
}

/** The newest migration recorded in `db`; 0 for a new database. Reads only. */
export function databaseMigration(db: Database): number {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'").get();
  if (!table) return 0;
  const row = db.prepare("SELECT max(id) AS id FROM migrations").get() as { id: number | null };
  return row.id ?? 0;
}

/**
 * Refuses a database that a newer Nexaas migrated: this version would not know
 * its tables and could corrupt what the newer one relies on. Reads only, so the
 * refused database is left exactly as it was.
 */
export function assertKnownMigration(db: Database): void {
  const current = databaseMigration(db);
  const latest = latestMigration();
  if (current > latest) {
    throw new StoreError(
      `the database ${db.name} is at migration ${current}, but this version of Nexaas knows migrations up to ${latest} only: ` +
        `a newer Nexaas has used it. Upgrade Nexaas, or pass --db to use another database.`,
      "db-newer",
    );
  }
}

/**
 * Applies every migration the database lacks, each in its own transaction that
 * records itself first (as graphile-worker does). The write lock is taken up
 * front (BEGIN IMMEDIATE) and the record checked again inside, so two processes
 * opening one new database apply each migration once. Returns the ids applied.
 */
export function migrate(db: Database): number[] {
  assertKnownMigration(db);
  db.exec("CREATE TABLE IF NOT EXISTS migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
  const isApplied = db.prepare("SELECT 1 FROM migrations WHERE id = ?");
  const record = db.prepare("INSERT INTO migrations (id, name, applied_at) VALUES (?, ?, ?)");
  const applied: number[] = [];
  for (const migration of migrations()) {
    if (isApplied.get(migration.id)) continue;
    const sql = readFileSync(migration.path, "utf8");
    db.transaction(() => {
      if (isApplied.get(migration.id)) return;
      record.run(migration.id, migration.name, isoTime(new Date()));
      try {
        db.exec(sql);
      } catch (error) {
        throw new StoreError(`migration ${migration.name} failed on ${db.name}: ${(error as Error).message}`, "bad-migration", { cause: error });
      }
      applied.push(migration.id);
    }).immediate();
  }
  return applied;
}
