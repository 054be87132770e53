import type { Database } from "better-sqlite3";
import { checkFence } from "../store/controller-lock.js";

/**
 * `body` as a transaction, begun IMMEDIATE: the write lock is taken (or waited
 * for, under busy_timeout) before the first read, so a read-then-write such as
 * failJob can never act on a row another connection changed meanwhile. Inside
 * a caller's transaction it runs as a savepoint. Each queue operation wraps its
 * body once at module load; the transaction is built once per connection, as
 * the queue runs these thousands of times per second.
 */
export function immediate<A extends unknown[], R>(body: (db: Database, ...args: A) => R): (db: Database, ...args: A) => R {
  const transactions = new WeakMap<Database, (...args: A) => R>();
  return (db, ...args) => {
    let run = transactions.get(db);
    if (!run) {
      // Fenced: a controller that lost the lock changes no job and queues no run.
      const transaction = db.transaction((...inner: A) => {
        checkFence(db);
        return body(db, ...inner);
      });
      run = (...inner: A) => transaction.immediate(...inner);
      transactions.set(db, run);
    }
    return run(...args);
  };
}
