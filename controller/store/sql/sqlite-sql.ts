import type { Database } from "better-sqlite3";
import { prepared } from "../prepared.js";
import { isPositional, type Sql, type SqlParams, type SqlRun } from "./sql.js";
import { TransactionScope } from "./transaction-scope.js";

interface OpenTransaction {
  ended: boolean;
  savepoints: number;
}

/**
 * Sql over one better-sqlite3 connection. A statement runs at once on the
 * calling turn, as before, unless a transaction is open: a transaction may wait
 * between its statements (an await), and on one connection anything run then
 * would land inside it, so the others wait their turn. Statements made from
 * inside the transaction's own async context (found with AsyncLocalStorage)
 * are its own and run at once, whichever handle they came through; a store
 * function called from inside a transaction cannot deadlock on it.
 */
export class SqliteSql implements Sql {
  readonly dialect = "sqlite" as const;
  private readonly scope = new TransactionScope<OpenTransaction>();
  /** Transactions open or waiting, and statements waiting behind them. */
  private waiting = 0;
  private turn: Promise<void> = Promise.resolve();

  constructor(readonly db: Database) {}

  get<R>(text: string, params?: SqlParams): Promise<R | undefined> {
    return this.statement(() => prepared<unknown[], R>(this.db, text).get(...values(params)));
  }

  all<R>(text: string, params?: SqlParams): Promise<R[]> {
    return this.statement(() => prepared<unknown[], R>(this.db, text).all(...values(params)));
  }

  run(text: string, params?: SqlParams): Promise<SqlRun> {
    return this.statement(() => ({ changes: prepared(this.db, text).run(...values(params)).changes }));
  }

  exec(text: string): Promise<void> {
    return this.statement(() => {
      this.db.exec(text);
    });
  }

  transaction<T>(body: (tx: Sql) => Promise<T>): Promise<T> {
    const open = this.openTransaction();
    if (open) return this.savepoint(open, body);
    return this.inTurn(async () => {
      const transaction: OpenTransaction = { ended: false, savepoints: 0 };
      this.db.exec("BEGIN IMMEDIATE");
      try {
        const result = await this.scope.run(transaction, () => body(this));
        this.db.exec("COMMIT");
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        throw error;
      } finally {
        transaction.ended = true;
      }
    });
  }

  lock(): Promise<void> {
    // BEGIN IMMEDIATE took the database's one write lock: no other writer runs until we end.
    return Promise.resolve();
  }

  close(): Promise<void> {
    return this.inTurn(() => {
      if (this.db.open) this.db.close();
      return Promise.resolve();
    });
  }

  inTransaction(): boolean {
    return this.openTransaction() !== undefined;
  }

  private openTransaction(): OpenTransaction | undefined {
    return this.scope.current();
  }

  private async savepoint<T>(open: OpenTransaction, body: (tx: Sql) => Promise<T>): Promise<T> {
    const name = `nexaas_${++open.savepoints}`;
    this.db.exec(`SAVEPOINT ${name}`);
    try {
      const result = await body(this);
      this.db.exec(`RELEASE ${name}`);
      return result;
    } catch (error) {
      this.db.exec(`ROLLBACK TO ${name}`);
      this.db.exec(`RELEASE ${name}`);
      throw error;
    }
  }

  /** A statement: now, unless a transaction of someone else's holds the connection. */
  private statement<T>(work: () => T): Promise<T> {
    if (this.waiting === 0 || this.openTransaction()) return settle(work);
    return this.inTurn(() => settle(work));
  }

  /** Runs `work` once everything queued before it has ended, holding the connection meanwhile. */
  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    this.waiting++;
    const result = this.turn.then(work).finally(() => this.waiting--);
    this.turn = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

const wrappers = new WeakMap<Database, SqliteSql>();

/**
 * The one Sql of a connection. Its transactions exclude each other only when
 * everyone goes through the same wrapper: two wrappers over one connection
 * would each think the connection free and run a statement inside the other's
 * transaction. Code still handed a `Database` gets its Sql here.
 */
export function sqliteSql(db: Database): SqliteSql {
  let sql = wrappers.get(db);
  if (!sql) {
    sql = new SqliteSql(db);
    wrappers.set(db, sql);
  }
  return sql;
}

function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

/** better-sqlite3 takes named parameters as one object, positional ones spread. */
function values(params: SqlParams | undefined): unknown[] {
  if (params === undefined) return [];
  return isPositional(params) ? [...params] : [params];
}
