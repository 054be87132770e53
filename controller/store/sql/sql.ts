/**
 * The store's one way to SQL, the same for both backends: SQLite (embedded, the
 * default) and PostgreSQL (DATABASE_URL=postgres://…, several controllers on one
 * database). Asynchronous because `pg` is; on SQLite a statement still runs at
 * once, on the calling turn.
 *
 * Statements are written once, in the dialect both understand, with named
 * parameters (`@name`) or positional ones (`?`); the PostgreSQL side rewrites
 * them to `$1…`. Where the dialects part, `dialect` tells the caller which one
 * it is talking to.
 */
export type Dialect = "sqlite" | "postgres";

/** Named parameters (`@name` in the statement) or positional ones (`?`). */
export type SqlParams = Readonly<Record<string, unknown>> | readonly unknown[];

export interface SqlRun {
  /** Rows inserted, updated or deleted. */
  changes: number;
}

export interface Sql {
  readonly dialect: Dialect;
  /** The first row, or undefined. `R` is the statement's row, stated where the SQL is written. */
  get<R>(text: string, params?: SqlParams): Promise<R | undefined>;
  all<R>(text: string, params?: SqlParams): Promise<R[]>;
  run(text: string, params?: SqlParams): Promise<SqlRun>;
  /** Several statements without parameters (a migration). */
  exec(text: string): Promise<void>;
  /**
   * `body` in one transaction: committed when it returns, rolled back when it
   * throws. Nested, it is a savepoint. On SQLite the transaction is IMMEDIATE
   * (the write lock first) and nothing else on the connection runs meanwhile;
   * on PostgreSQL it holds one pooled connection, READ COMMITTED, so a
   * read-then-write that must not race takes `lock` first.
   */
  transaction<T>(body: (tx: Sql) => Promise<T>): Promise<T>;
  /**
   * Inside a transaction: waits until no other transaction holds `name`, and
   * holds it until this one ends (PostgreSQL's transaction-level advisory
   * lock). On SQLite every write transaction already excludes the others, so
   * there is nothing to wait for.
   */
  lock(name: string): Promise<void>;
  /** Whether a statement made from here runs inside an open transaction (this async context's). */
  inTransaction(): boolean;
  close(): Promise<void>;
}

/** Whether the parameters are positional (`?`); a type guard, as Array.isArray does not narrow a readonly array. */
export function isPositional(params: SqlParams): params is readonly unknown[] {
  return Array.isArray(params);
}
