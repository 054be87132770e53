import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ClientBase } from "pg";
import { packageRoot } from "../../package-root.js";
import { migrationFolder } from "../migration-files.js";
import { StoreError } from "../store-error.js";
import { isoTime } from "../time.js";

/** The PostgreSQL migrations this version ships, numbered apart from SQLite's. */
export const postgresMigrations = migrationFolder(join(packageRoot, "controller", "store", "migrations-postgres"));

/**
 * Every Nexaas migrator takes this transaction-level advisory lock first ("nexaas" in ASCII as a
 * number). Advisory locks are per database, so controllers starting together on one database
 * migrate one after another, and each sees what the one before it recorded.
 */
const lockMigrations = "SELECT pg_advisory_xact_lock(121382090400115)";

/**
 * Applies every PostgreSQL migration the database lacks, in order, each in its own transaction
 * that records itself first (as migrate() does for SQLite). Several controllers starting at once
 * on a new database are serialised by an advisory lock, and the record is checked again under it,
 * so each migration is applied once. Tables go to the connection's current schema (the database's
 * default, `public`, unless the URL sets search_path). Returns the ids this call applied.
 *
 * Refuses, writing nothing, a schema that holds someone else's tables (tables but no `migrations`
 * table) and a database a newer Nexaas migrated.
 */
export async function migratePostgres(client: ClientBase): Promise<number[]> {
  const { rows } = await client.query<{ name: string }>("SELECT current_database() AS name");
  const database = `the PostgreSQL database ${rows[0]?.name ?? "?"}`;
  const recorded = await inTransaction(client, async () => {
    await client.query(lockMigrations);
    await assertNexaasSchema(client, database);
    await client.query("CREATE TABLE IF NOT EXISTS migrations (id integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)");
    return new Set(await appliedIds(client));
  });
  const applied: number[] = [];
  for (const migration of postgresMigrations.all()) {
    if (recorded.has(migration.id)) continue;
    const sql = readFileSync(migration.path, "utf8");
    const done = await inTransaction(client, async () => {
      await client.query(lockMigrations);
      // Another migrator may have applied it between our read and our lock.
      if ((await client.query("SELECT 1 FROM migrations WHERE id = $1", [migration.id])).rowCount) return false;
      await client.query("INSERT INTO migrations (id, name, applied_at) VALUES ($1, $2, $3)", [migration.id, migration.name, isoTime(new Date())]);
      try {
        await client.query(sql);
      } catch (error) {
        throw new StoreError(`migration ${migration.name} failed on ${database}: ${error instanceof Error ? error.message : String(error)}`, "bad-migration", { cause: error });
      }
      return true;
    });
    if (done) applied.push(migration.id);
  }
  return applied;
}

/** The migrations recorded in the connection's current schema, oldest first. */
async function appliedIds(client: ClientBase): Promise<number[]> {
  const { rows } = await client.query<{ id: number }>("SELECT id FROM migrations ORDER BY id");
  return rows.map((row) => row.id);
}

async function assertNexaasSchema(client: ClientBase, database: string): Promise<void> {
  const { rows } = await client.query<{ schema: string | null; has_migrations: boolean; has_tables: boolean }>(
    `SELECT current_schema() AS schema,
            EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'migrations') AS has_migrations,
            EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = current_schema()) AS has_tables`,
  );
  const found = rows[0];
  if (!found?.has_migrations) {
    if (found?.has_tables) {
      throw new StoreError(
        `${database} is not a Nexaas database: schema ${found.schema ?? "?"} has tables but no migrations table. ` +
          "Give Nexaas its own database, or its own schema (options=-c search_path=nexaas in DATABASE_URL).",
        "not-nexaas",
      );
    }
    return;
  }
  const current = Math.max(0, ...(await appliedIds(client)));
  const latest = postgresMigrations.latest();
  if (current > latest) {
    throw new StoreError(
      `${database} is at PostgreSQL migration ${current}, but this version of Nexaas knows migrations up to ${latest} only: ` +
        "a newer Nexaas has used it. Upgrade Nexaas, or set DATABASE_URL to another database.",
      "db-newer",
    );
  }
}

/** Runs `work` in a transaction on `client`: committed when it returns, rolled back when it throws. */
async function inTransaction<T>(client: ClientBase, work: () => Promise<T>): Promise<T> {
  await client.query("BEGIN");
  let result: T;
  try {
    result = await work();
  } catch (error) {
    // The first error is the one to report; a failed ROLLBACK (the connection is gone) adds nothing.
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
  await client.query("COMMIT");
  return result;
}
