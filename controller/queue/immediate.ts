import type { Database } from "better-sqlite3";

// Keyed by the body function itself: each queue operation has one.
const cache = new WeakMap<Database, Map<object, (...args: never[]) => unknown>>();

/**
 * `body` as a transaction on `db`, begun IMMEDIATE: the write lock is taken (or
 * waited for, under busy_timeout) before the first read, so a read-then-write
 * such as failJob can never act on a row another connection changed meanwhile.
 * Inside a caller's transaction it runs as a savepoint. Wrapped once per
 * connection: the queue calls these thousands of times per second.
 */
export function immediate<A extends unknown[], R>(db: Database, body: (db: Database, ...args: A) => R): (...args: A) => R {
  let wrapped = cache.get(db);
  if (!wrapped) {
    wrapped = new Map();
    cache.set(db, wrapped);
  }
  let run = wrapped.get(body);
  if (!run) {
    const transaction = db.transaction((...args: A) => body(db, ...args));
    run = transaction.immediate as (...args: never[]) => unknown;
    wrapped.set(body, run);
  }
  return run as (...args: A) => R;
}
