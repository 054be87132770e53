import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Sqlite from "better-sqlite3";
import type { Database } from "better-sqlite3";
import { assertNexaasDatabase } from "./assert-nexaas-database.js";
import { migrate } from "./migrate.js";
import { StoreError } from "./store-error.js";
import { releaseHeaderDescriptor } from "./store-fault.js";

export interface OpenOptions {
  /**
   * For commands that only look (status, events, plan): the file must exist and
   * be a Nexaas database at this version's migration; nothing is created,
   * migrated or written, and writes through the handle fail.
   */
  readonly?: boolean;
}

/**
 * Opens the store at `path`. Writable (the default): creates it if needed and
 * brings its schema up to date. Either way, a file that is not a Nexaas database
 * at a migration this version can use is refused (StoreError) before anything
 * is written to it, WAL mode included.
 */
export function openDatabase(path: string, options: OpenOptions = {}): Database {
  return options.readonly ? openReadOnly(path) : openWritable(path);
}

function openWritable(path: string): Database {
  const inMemory = path === ":memory:" || path === "";
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  const db = new Sqlite(path);
  return prepare(db, path, () => {
    // Connection settings first: they write nothing to the file.
    db.pragma("busy_timeout = 5000"); // the controller and a CLI command may write at once
    db.pragma("foreign_keys = ON");
    db.pragma("synchronous = NORMAL"); // durable enough with WAL, and much faster than FULL
    assertNexaasDatabase(db, path, "write");
    db.pragma("journal_mode = WAL"); // readers (status, API) never block the applier
    // Checkpoint every ~16 MB of WAL instead of ~4 MB: the queue writes a few pages per job,
    // and each checkpoint is an fsync; the file stays small once checkpointed.
    db.pragma("wal_autocheckpoint = 4000");
    migrate(db);
  });
}

function openReadOnly(path: string): Database {
  let db: Database;
  try {
    db = new Sqlite(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    if (!existsSync(path)) {
      throw new StoreError(`no database at ${path}: run \`nexaas apply\` (or start the controller) first, or pass --db`, "no-database", {
        cause: error,
      });
    }
    throw error;
  }
  return prepare(db, path, () => {
    // busy_timeout is a connection setting: it writes nothing, and a reader can
    // still meet a lock (a checkpoint, a WAL recovery). journal_mode is the file's
    // own, left as the writer set it.
    db.pragma("busy_timeout = 5000");
    assertNexaasDatabase(db, path, "read");
  });
}

/** Runs `setup` on the new connection; on failure closes it and names a file that is not SQLite. */
function prepare(db: Database, path: string, setup: () => void): Database {
  try {
    setup();
    return db;
  } catch (error) {
    db.close();
    if (error instanceof Error && "code" in error && error.code === "SQLITE_NOTADB") {
      throw new StoreError(`${path} is not a SQLite database: pass --db with another path, or move the file away`, "not-a-database", { cause: error });
    }
    throw error;
  }
}

/** Closes the store; safe to call twice, so stop() paths need not track it. */
export function closeDatabase(db: Database): void {
  if (db.open) db.close();
  // After SQLite let go of the file: closing this descriptor earlier would drop SQLite's locks (store-fault.ts).
  releaseHeaderDescriptor(db.name);
}
