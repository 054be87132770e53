// The two store backends for matrix tests (issue 16): `describe.each(storeBackends)` runs a
// file's cases on SQLite and on PostgreSQL; without PostgreSQL its cases show as skipped,
// each naming what is missing. Every store opened here is closed after its test.
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, it } from "vitest";
import { openDatabase } from "../../controller/store/open-database.js";
import { openPostgres } from "../../controller/store/open-postgres.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import { sqliteSql } from "../../controller/store/sql/sqlite-sql.js";
import { tempDir } from "../store/helpers.js";
import { postgresDatabase, testPostgres } from "./postgres.js";

const opened: Sql[] = [];
afterEach(async () => {
  for (const sql of opened.splice(0)) await sql.close();
});

/** `sql`, closed when the test ends. */
export function track<S extends Sql>(sql: S): S {
  opened.push(sql);
  return sql;
}

export const storeBackends = [
  { name: "sqlite", missing: undefined, open: () => Promise.resolve(track(sqliteSql(openDatabase(join(tempDir(), "nexaas.db"))))) },
  { name: "postgres", missing: "missing" in testPostgres ? testPostgres.missing : undefined, open: async () => track(await openPostgres(await postgresDatabase())) },
];

/** `it` for one backend's cases: without PostgreSQL, each case shows as skipped naming what is missing (and the file says so once on stderr). */
export function backendTest(backend: { name: string; missing: string | undefined }, file: string): (title: string, body: () => Promise<void>, timeout?: number) => void {
  const { missing } = backend;
  if (!missing) return (title, body, timeout) => it(title, body, timeout);
  console.warn(`${file}: ${backend.name} cases skipped, ${missing}`);
  return (title) => it.skip(`${title} (needs PostgreSQL: ${missing})`, () => {});
}

/**
 * PostgreSQL's store for the tests of the calling describe block: one database, created before the
 * first and dropped after the last, for tests that only read, or add definitions the other tests do
 * not mind (a database costs a CREATE DATABASE and the migrations: 0.1 s on an idle machine, several
 * times that on a busy CI runner). SQLite's cases keep a fresh store each, as cheap as ever.
 */
export function sharedStore(backend: { name: string; missing: string | undefined; open: () => Promise<Sql> }): () => Promise<Sql> {
  if (backend.name === "sqlite") return backend.open;
  let store: Sql | undefined;
  beforeAll(async () => {
    if (!backend.missing) store = await openPostgres(await postgresDatabase());
  });
  afterAll(async () => {
    await store?.close();
  });
  return () => (store ? Promise.resolve(store) : Promise.reject(new Error(`no shared ${backend.name} store: sharedStore() is called in a describe block, and used in its tests`)));
}

/** A store of one backend for a test, and ways to reach it as someone else would. */
export interface OpenedStore {
  sql: Sql;
  /** Where it is, as `--db` takes it: the SQLite file, or the PostgreSQL URL. */
  target: string;
  /** Another handle on the same store: a second SQLite connection, or a second controller's pool. Closed after the test. */
  connect(): Promise<Sql>;
}

export interface FileBackend {
  name: "sqlite" | "postgres";
  /** Why this backend's cases skip (no PostgreSQL server), or undefined. */
  missing: string | undefined;
  /** An empty, migrated store: a new SQLite file, or the file's one PostgreSQL database emptied. */
  open(): Promise<OpenedStore>;
}

/**
 * Both backends for a file whose PostgreSQL cases may share one database (call it at the top of
 * the file): it is created and migrated once, in beforeAll, and each `open()` empties it (every
 * row deleted, children before parents, identities restarted, the rows migrations seed put back):
 * a few milliseconds, where a new database costs a CREATE DATABASE and every migration, and a
 * TRUNCATE of every table over a hundred. The cases of such a file must not run concurrently.
 */
export function fileStoreBackends(): FileBackend[] {
  const postgresMissing = "missing" in testPostgres ? testPostgres.missing : undefined;
  let shared: { url: string; sql: Sql; empty: string; seeds: { table: string; rows: Record<string, unknown>[] }[] } | undefined;
  beforeAll(async () => {
    if (postgresMissing) return;
    const url = await postgresDatabase();
    const sql = await openPostgres(url, { max: 4 });
    shared = { url, sql, ...(await emptying(sql)) };
  });
  afterAll(async () => {
    await shared?.sql.close();
  });

  return [
    {
      name: "sqlite",
      missing: undefined,
      open: () => {
        const target = join(tempDir(), "nexaas.db");
        const sql = track(sqliteSql(openDatabase(target)));
        return Promise.resolve({ sql, target, connect: () => Promise.resolve(track(sqliteSql(openDatabase(target)))) });
      },
    },
    {
      name: "postgres",
      missing: postgresMissing,
      open: async () => {
        if (!shared) throw new Error("fileStoreBackends() must be called at the top of the file, where its beforeAll opens the database");
        const { url, sql, empty, seeds } = shared;
        await sql.exec(empty);
        for (const { table, rows } of seeds) {
          for (const row of rows) {
            const columns = Object.keys(row);
            await sql.run(`INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`, columns.map((c) => row[c]));
          }
        }
        return { sql, target: url, connect: async () => track(await openPostgres(url, { max: 4 })) };
      },
    },
  ];
}

/** The statements that empty a freshly migrated PostgreSQL store, and the rows its migrations seeded. */
async function emptying(sql: Sql): Promise<{ empty: string; seeds: { table: string; rows: Record<string, unknown>[] }[] }> {
  const tables = (await sql.all<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'migrations' ORDER BY tablename")).map(
    (t) => t.name,
  );
  const references = await sql.all<{ child: string; parent: string }>(
    "SELECT conrelid::regclass::text AS child, confrelid::regclass::text AS parent FROM pg_constraint WHERE contype = 'f' AND conrelid <> confrelid",
  );
  // Children first: a table is emptied once every table that references it was.
  const ordered: string[] = [];
  const left = new Set(tables);
  while (left.size > 0) {
    const next = [...left].filter((table) => !references.some((r) => r.parent === table && left.has(r.child)));
    if (next.length === 0) throw new Error(`foreign keys in a cycle among ${[...left].join(", ")}`);
    for (const table of next) {
      ordered.push(table);
      left.delete(table);
    }
  }
  const identities = await sql.all<{ sequence: string }>(
    "SELECT pg_get_serial_sequence(quote_ident(table_name), column_name) AS sequence FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'",
  );
  const seeds = [];
  for (const table of tables) {
    const rows = await sql.all<Record<string, unknown>>(`SELECT * FROM ${table}`);
    if (rows.length > 0) seeds.push({ table, rows });
  }
  const empty = [...ordered.map((table) => `DELETE FROM ${table};`), ...identities.map((i) => `SELECT setval('${i.sequence}', 1, false);`)].join("\n");
  return { empty, seeds };
}
