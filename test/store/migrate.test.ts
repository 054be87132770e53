import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Sqlite from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { latestMigration } from "../../controller/store/migrate.js";
import { closeDatabase, openDatabase } from "../../controller/store/open-database.js";
import { StoreError } from "../../controller/store/store-error.js";
import { freshDb, tempDir, track } from "./helpers.js";

/** The StoreError `open` throws; fails the test if it throws none, or something else. */
function storeError(open: () => unknown): StoreError {
  try {
    open();
  } catch (error) {
    expect(error).toBeInstanceOf(StoreError);
    return error as StoreError;
  }
  throw new Error("expected a StoreError, but the database opened");
}

/** Someone else's SQLite file: a table of theirs, no migrations table. */
function foreignDatabase(): { path: string; bytes: Buffer } {
  const path = join(tempDir(), "other.sqlite");
  const raw = new Sqlite(path);
  raw.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes (text) VALUES ('keep me')");
  raw.close();
  return { path, bytes: readFileSync(path) };
}

/** A raw database whose migrations table records `ids` (none: a migrations table at 0). */
function databaseAt(ids: number[]): string {
  const path = join(tempDir(), "at.db");
  const raw = new Sqlite(path);
  raw.exec("CREATE TABLE migrations (id INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)");
  for (const id of ids) raw.prepare("INSERT INTO migrations VALUES (?, ?, 'then')").run(id, `${String(id).padStart(6, "0")}.sql`);
  raw.close();
  return path;
}

/** The tables of the file at `path`, read without openDatabase. */
function tablesOf(path: string): unknown[] {
  const check = new Sqlite(path, { readonly: true });
  try {
    return check.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
  } finally {
    check.close();
  }
}

describe("openDatabase", () => {
  it("creates the folder, applies every migration once, and sets WAL, busy timeout and foreign keys", () => {
    const { db } = freshDb();
    const applied = db.prepare("SELECT id, name FROM migrations ORDER BY id").all() as { id: number; name: string }[];
    expect(applied.at(-1)?.id).toBe(latestMigration());
    expect(applied[0]).toEqual({ id: 1, name: "000001.sql" });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("busy_timeout", { simple: true })).toBe(5000);
    expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(["agents", "events", "event_runs", "job_queue", "sync_status", "token_usage"]));
  });

  it("is idempotent on reopen: nothing applied twice, data kept", () => {
    const { db, path } = freshDb();
    const before = db.prepare("SELECT * FROM migrations").all();
    db.prepare("INSERT INTO companies (name, created_at) VALUES ('acme', 'x')").run();
    closeDatabase(db);
    closeDatabase(db); // twice is fine

    const again = track(openDatabase(path));
    expect(again.prepare("SELECT * FROM migrations").all()).toEqual(before);
    expect(again.prepare("SELECT name FROM companies").pluck().all()).toEqual(["acme"]);
  });

  it("refuses a database migrated by a newer version, and leaves it as it was", () => {
    const path = join(tempDir(), "newer.db");
    const raw = new Sqlite(path);
    raw.exec("CREATE TABLE migrations (id INTEGER PRIMARY KEY, name TEXT, applied_at TEXT); INSERT INTO migrations VALUES (999, '000999.sql', 'then')");
    raw.close();
    const bytes = readFileSync(path);

    let error: unknown;
    try {
      openDatabase(path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe("db-newer");
    expect((error as StoreError).message).toContain(path);
    expect((error as StoreError).message).toContain("999");
    expect((error as StoreError).message).toContain(String(latestMigration()));
    expect(readFileSync(path).equals(bytes)).toBe(true);

    const check = new Sqlite(path, { readonly: true });
    expect(check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).toEqual(["migrations"]);
    check.close();
  });

  it("refuses an existing SQLite file that is not a Nexaas database, and writes nothing to it", () => {
    const { path, bytes } = foreignDatabase();
    const error = storeError(() => openDatabase(path));
    expect(error.code).toBe("not-nexaas");
    expect(error.message).toContain(`${path} is not a Nexaas database`);
    expect(readFileSync(path).equals(bytes)).toBe(true);
    expect(tablesOf(path)).toEqual(["notes"]);
  });

  it("makes an existing empty file a Nexaas database", () => {
    const path = join(tempDir(), "empty.db");
    writeFileSync(path, "");
    const db = track(openDatabase(path));
    expect(db.prepare("SELECT max(id) FROM migrations").pluck().get()).toBe(latestMigration());
  });

  it("names a file that is not a SQLite database", () => {
    const dir = tempDir();
    const path = join(dir, "notes.db");
    writeFileSync(path, "this is not a database, just some text that is long enough to have a header".repeat(10));
    expect(() => openDatabase(path)).toThrow(expect.objectContaining({ code: "not-a-database" }));
  });
});

describe("openDatabase read-only", () => {
  it("reads a migrated database without writing to it or upgrading anything", () => {
    const { db, path } = freshDb();
    db.prepare("INSERT INTO companies (name, created_at) VALUES ('acme', 'x')").run();
    closeDatabase(db);
    const bytes = readFileSync(path);

    const ro = track(openDatabase(path, { readonly: true }));
    expect(ro.readonly).toBe(true);
    expect(ro.prepare("SELECT name FROM companies").pluck().all()).toEqual(["acme"]);
    expect(() => ro.prepare("INSERT INTO companies (name, created_at) VALUES ('other', 'x')").run()).toThrow(
      expect.objectContaining({ code: "SQLITE_READONLY" }),
    );
    closeDatabase(ro);
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it("reads while the controller writes", () => {
    const { db: writer, path } = freshDb();
    const ro = track(openDatabase(path, { readonly: true }));
    writer.prepare("INSERT INTO companies (name, created_at) VALUES ('acme', 'x')").run();
    expect(ro.prepare("SELECT name FROM companies").pluck().all()).toEqual(["acme"]);
  });

  it("refuses an unrelated SQLite file, leaving it and its folder as they were", () => {
    const { path, bytes } = foreignDatabase();
    const error = storeError(() => openDatabase(path, { readonly: true }));
    expect(error.code).toBe("not-nexaas");
    expect(error.message).toContain(`${path} is not a Nexaas database`);
    expect(readFileSync(path).equals(bytes)).toBe(true);
    expect(tablesOf(path)).toEqual(["notes"]);
    expect(readdirSync(join(path, ".."))).toEqual(["other.sqlite"]);
  });

  it("refuses an empty file rather than making it a database", () => {
    const path = join(tempDir(), "empty.db");
    writeFileSync(path, "");
    expect(storeError(() => openDatabase(path, { readonly: true })).code).toBe("not-nexaas");
    expect(readFileSync(path).length).toBe(0);
  });

  it("refuses a database older than this version, saying how to upgrade it", () => {
    const path = databaseAt([]);
    const error = storeError(() => openDatabase(path, { readonly: true }));
    expect(error.code).toBe("db-older");
    expect(error.message).toContain(path);
    expect(error.message).toContain("run `nexaas apply` or `nexaas start` to upgrade it");
    expect(tablesOf(path)).toEqual(["migrations"]);
  });

  it("refuses a database a newer version migrated", () => {
    const path = databaseAt([1, 999]);
    const error = storeError(() => openDatabase(path, { readonly: true }));
    expect(error.code).toBe("db-newer");
    expect(error.message).toContain("999");
  });

  it("refuses a missing file without creating it", () => {
    const path = join(tempDir(), "missing", "nexaas.db");
    const error = storeError(() => openDatabase(path, { readonly: true }));
    expect(error.code).toBe("no-database");
    expect(error.message).toContain(path);
    expect(existsSync(join(path, ".."))).toBe(false);
  });

  it("names a file that is not a SQLite database", () => {
    const path = join(tempDir(), "notes.db");
    writeFileSync(path, "this is not a database, just some text that is long enough to have a header".repeat(10));
    expect(storeError(() => openDatabase(path, { readonly: true })).code).toBe("not-a-database");
  });
});
