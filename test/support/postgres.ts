// PostgreSQL for a test (issue 16): the run's server comes from test/setup/postgres.ts; each caller
// gets a database of its own in it, created empty from template0 and dropped after.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, inject, it, onTestFinished } from "vitest";
import type { TestPostgres } from "./postgres-cluster.js";

/** The run's server, or why there is none. */
export const testPostgres: TestPostgres = inject("postgres");

/**
 * describe() when PostgreSQL is there. Without it, one skipped test whose name says what is
 * missing (never a silent skip), and the same reason on stderr.
 */
export function describePostgres(name: string, body: () => void): void {
  if ("url" in testPostgres) {
    describe(name, body);
    return;
  }
  console.warn(`${name}: skipped, ${testPostgres.missing}`);
  describe(name, () => {
    it.skip(`needs PostgreSQL: ${testPostgres.missing}`, () => {});
  });
}

let made = 0;
const atFileEnd: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const clean of atFileEnd.splice(0).reverse()) await clean();
});

/** Runs `clean` when the calling test ends, or, called outside a test (beforeAll), when the file's tests end; the last registered first. */
function afterCaller(clean: () => Promise<void>): void {
  try {
    onTestFinished(clean);
  } catch {
    atFileEnd.push(clean);
  }
}

/**
 * A new, empty database, as a connection string (`icuLocale`: its collation, C by default). Called inside a test it is dropped when the test
 * ends; called in beforeAll (or at the top of a file), when the file's tests end. Dropped WITH
 * (FORCE), so a connection a test left open does not keep it. `template`: a copy of that database
 * of the same server (no connection may be open to it), else empty.
 */
export async function postgresDatabase(options: { icuLocale?: string; template?: string } = {}): Promise<string> {
  const name = `nexaas_test_${process.pid}_${++made}_${randomBytes(3).toString("hex")}`;
  // The test cluster's own collation is C, as SQLite's: `icuLocale` (en-US) gives the database a
  // language's collation instead, as a production server's often has.
  const locale = options.icuLocale ? ` LOCALE_PROVIDER icu ICU_LOCALE '${options.icuLocale.replaceAll("'", "''")}' LOCALE 'C'` : "";
  await onServer(`CREATE DATABASE ${name} TEMPLATE ${options.template ?? "template0"} ENCODING 'UTF8'${locale}`);
  afterCaller(() => onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/** A client connected to `url`, ended when the caller's test (or file) ends, before its database is dropped. */
export async function postgresClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  // A connection the server ends (a forced DROP DATABASE) must not become an uncaught error.
  client.on("error", () => {});
  await client.connect();
  afterCaller(() => client.end().catch(() => undefined));
  return client;
}

function serverUrl(): string {
  if ("missing" in testPostgres) throw new Error(`no PostgreSQL for this test: ${testPostgres.missing} (wrap it in describePostgres)`);
  return testPostgres.url;
}

/** One statement on the server's own database (CREATE and DROP DATABASE cannot run in the one they name). */
async function onServer(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
