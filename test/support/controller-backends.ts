// Controllers on both store backends, for runtime matrix tests (issue 16): `describe.each(controllerBackends)`
// runs a file's cases on a fresh SQLite file and on a fresh PostgreSQL database. On PostgreSQL the
// controller is the only one on its database, so it leads from its start; the helper fails the test
// if it stopped leading before the test ended (a fake-clock advance must never depose it).
import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { beforeAll, it, type TestOptions } from "vitest";
import { Controller, type ControllerOptions } from "../../controller/controller.js";
import { openDatabase } from "../../controller/store/open-database.js";
import { openPostgres } from "../../controller/store/open-postgres.js";
import type { PostgresSql } from "../../controller/store/sql/postgres-sql.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import { sqliteSql } from "../../controller/store/sql/sqlite-sql.js";
import { tempDir } from "../cli/helpers.js";
import type { FakeClock } from "./fake-clock.js";
import { postgresDatabase, testPostgres } from "./postgres.js";

export type BackendName = "sqlite" | "postgres";

export interface ControllerBackend {
  name: BackendName;
  /** Why this backend's cases skip (no PostgreSQL), or undefined. */
  missing: string | undefined;
}

export const controllerBackends: ControllerBackend[] = [
  { name: "sqlite", missing: undefined },
  { name: "postgres", missing: "missing" in testPostgres ? testPostgres.missing : undefined },
];

/** A test's cleanups, run last-pushed first in the file's afterEach. */
export type Cleanup = (() => Promise<void> | void)[];

/** A store for a controller: its handle for `new Controller`, and an Sql to read its rows. */
export interface TestStore {
  store: Database | PostgresSql;
  sql: Sql;
  /** SQLite: the connection and its file. */
  db?: Database;
  path?: string;
  /** PostgreSQL: the database's URL (another pool on the same database). */
  url?: string;
}

/** A fresh store on `backend` (SQLite: at `path`, else a new file), closed by `cleanup`. */
export async function openTestStore(backend: BackendName, cleanup: Cleanup, path?: string): Promise<TestStore> {
  if (backend === "sqlite") {
    const file = path ?? join(tempDir(), "nexaas.db");
    const db = openDatabase(file);
    cleanup.push(() => {
      db.close();
    });
    return { store: db, sql: sqliteSql(db), db, path: file };
  }
  const url = await postgresDatabase({ template: migratedTemplate() });
  const pool = await openPostgres(url);
  cleanup.push(() => pool.close());
  return { store: pool, sql: pool, url };
}

/**
 * A database migrated once for the file (made before its tests, dropped after them), copied for
 * each test: a copy costs what an empty database does, and openPostgres finds the migrations applied.
 */
let template: string | undefined;
beforeAll(async () => {
  if (!("url" in testPostgres)) return;
  // Awaited here: made inside beforeAll, the database is dropped when the file's tests end (not with the first test).
  const url = await postgresDatabase();
  await (await openPostgres(url)).close();
  template = new URL(url).pathname.slice(1);
});

function migratedTemplate(): string {
  if (!template) throw new Error("no PostgreSQL template database: the helper's beforeAll did not run");
  return template;
}

export interface TestController extends TestStore {
  controller: Controller;
  clock: FakeClock;
}

/**
 * A controller on a fresh store of `backend`, started; stopped (no grace) and its store closed by
 * `cleanup`. `seed` writes to the store before the controller starts. On PostgreSQL the fake
 * clock's advances wait for the scheduler and the pool between timers (see FakeClock.settleWith).
 */
export async function startTestController(
  backend: BackendName,
  options: Omit<ControllerOptions, "clock"> & { clock: FakeClock },
  cleanup: Cleanup,
  seed?: (sql: Sql) => Promise<unknown>,
): Promise<TestController> {
  const store = await openTestStore(backend, cleanup);
  await seed?.(store.sql);
  const controller = new Controller(store.store, options);
  cleanup.push(() => controller.stop(0));
  if (backend === "postgres") {
    options.clock.settleWith(() => quiet(controller));
    // A stop (the test's, or the helper's) gives the lead up: only a "following" before the pool stops is an accident.
    let deposed = false;
    let stopping = false;
    controller.pool.once("stopping", () => (stopping = true));
    controller.on("following", () => (deposed ||= !stopping));
    // Run before the stop above (which gives the lead up): the controller led throughout the test.
    cleanup.push(() => {
      if (deposed) throw new Error("the controller stopped leading during the test: a fake-clock advance or a slow store deposed it");
    });
  }
  await controller.start();
  if (backend === "postgres" && !controller.leading) throw new Error("the only controller on its PostgreSQL database does not lead");
  return { ...store, controller, clock: options.clock };
}

/** Resolves once the controller's scheduler and pool have no wake or fill under way. */
export async function quiet(controller: Controller): Promise<void> {
  await controller.scheduler.idle();
  await controller.pool.idle();
}

type Body = () => Promise<void>;
export type TestOn = (title: string, ...rest: [Body] | [TestOptions, Body]) => void;

/** `it`, or, without PostgreSQL, a skip whose title says what is missing. */
export function testOn(backend: ControllerBackend): TestOn {
  const { missing } = backend;
  if (missing) return (title: string, ..._rest: unknown[]) => it.skip(`${title} (needs PostgreSQL: ${missing})`, () => {});
  return (title, ...rest) => {
    if (rest.length === 1) it(title, rest[0]);
    else it(title, rest[0], rest[1]);
  };
}
