import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Sqlite from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { latestMigration } from "../../controller/store/migrate.js";
import { closeDatabase, openDatabase } from "../../controller/store/open-database.js";
import { StoreError } from "../../controller/store/store-error.js";
import { freshDb, tempDir, track } from "./helpers.js";

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

  it("names a file that is not a SQLite database", () => {
    const dir = tempDir();
    const path = join(dir, "notes.db");
    writeFileSync(path, "this is not a database, just some text that is long enough to have a header".repeat(10));
    expect(() => openDatabase(path)).toThrow(expect.objectContaining({ code: "not-a-database" }));
  });
});
