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
