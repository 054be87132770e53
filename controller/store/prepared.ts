import type { Database, Statement } from "better-sqlite3";

// Statements are cached untyped; `prepared` hands each back typed by its caller.
const cache = new WeakMap<Database, Map<string, Statement<unknown[], unknown>>>();

/**
 * The statement for `sql` on `db`, prepared once per connection. Reconciles and
 * the scheduler run the same few statements thousands of times; preparing costs
 * more than running them. A WeakMap lets a closed, dropped connection go.
 *
 * Typed as better-sqlite3's own generics: `P` the bind parameters (a tuple, or
 * one object of named parameters), `R` the row. The row type is the statement's
 * contract with its SQL, stated once where the SQL is written.
 */
export function prepared<P extends unknown[] | object = unknown[], R = unknown>(db: Database, sql: string): Statement<P extends unknown[] ? P : [P], R> {
  let statements = cache.get(db);
  if (!statements) {
    statements = new Map();
    cache.set(db, statements);
  }
  let statement = statements.get(sql);
  if (!statement) {
    statement = db.prepare<unknown[], unknown>(sql);
    statements.set(sql, statement);
  }
  return statement as Statement<P extends unknown[] ? P : [P], R>;
}
