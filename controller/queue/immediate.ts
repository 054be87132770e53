import { checkFence, hasFence } from "../store/controller-lock.js";
import type { Sql } from "../store/sql/sql.js";

/**
 * `body` as one fenced write transaction: a controller that lost the lock
 * changes no job and queues no run (a handle with no fence, the CLI's, is not
 * checked). On SQLite the transaction is begun IMMEDIATE: the write lock is
 * taken (or waited for, under busy_timeout) before the first read, so a
 * read-then-write such as failJob can never act on a row another connection
 * changed meanwhile. On PostgreSQL (READ COMMITTED) that guarantee is each
 * statement's own: a write repeats the condition it read (status, lease
 * owner), a claim locks its row, a decision takes `tx.lock`. Inside a
 * caller's transaction it runs as a savepoint, fenced again.
 */
export function immediate<T>(sql: Sql, body: (tx: Sql) => Promise<T>): Promise<T> {
  return sql.transaction(async (tx) => {
    await checkFence(tx);
    return body(tx);
  });
}

/**
 * Whether a queue write on `sql` may skip immediate() when it is one statement
 * (or a few, each one statement): PostgreSQL with no fence to check. One
 * statement is atomic on its own there, and BEGIN and COMMIT around it would
 * only cost two more round trips per job. SQLite keeps immediate() (its
 * IMMEDIATE transaction takes the write lock before the first read), and so
 * does a fenced handle: the fence is checked in the write's own transaction.
 */
export function unfencedPostgres(sql: Sql): boolean {
  return sql.dialect === "postgres" && !hasFence(sql);
}
