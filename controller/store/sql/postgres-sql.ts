import pg from "pg";
import { bindValues, toPostgres } from "./placeholders.js";
import type { Sql, SqlParams, SqlRun } from "./sql.js";
import { TransactionScope } from "./transaction-scope.js";

interface OpenTransaction {
  client: pg.PoolClient;
  ended: boolean;
  savepoints: number;
}

// Counts (bigint) and sums (numeric) arrive as numbers, as SQLite gives them:
// ids and counts stay far below 2^53, and costs are dollars with a few decimals.
const types = new pg.TypeOverrides();
types.setTypeParser(pg.types.builtins.INT8, Number);
types.setTypeParser(pg.types.builtins.NUMERIC, Number);

/**
 * Sql over a pool of PostgreSQL connections. A transaction holds one pooled
 * connection from BEGIN to COMMIT; statements made from inside its async
 * context (found with AsyncLocalStorage) run on that connection, whichever
 * handle they came through, so a store function called inside a transaction
 * is part of it.
 */
export class PostgresSql implements Sql {
  readonly dialect = "postgres" as const;
  private readonly scope = new TransactionScope<OpenTransaction>();
  readonly pool: pg.Pool;

  constructor(
    /** The server's URL: a LISTEN needs a connection of its own, outside the pool. */
    readonly url: string,
    options: { max?: number; applicationName?: string } = {},
  ) {
    this.pool = new pg.Pool({ connectionString: url, types, max: options.max ?? 10, application_name: options.applicationName ?? "nexaas" });
    // An idle pooled connection that the server drops (a restart, a failover) is discarded, not fatal.
    this.pool.on("error", () => undefined);
  }

  async get<R>(text: string, params?: SqlParams): Promise<R | undefined> {
    const result = await this.query<R>(text, params);
    return result.rows[0];
  }

  async all<R>(text: string, params?: SqlParams): Promise<R[]> {
    return (await this.query<R>(text, params)).rows;
  }

  async run(text: string, params?: SqlParams): Promise<SqlRun> {
    return { changes: (await this.query(text, params)).rowCount ?? 0 };
  }

  async exec(text: string): Promise<void> {
    // Without parameters pg sends the simple protocol, which takes several statements.
    await (this.openTransaction()?.client ?? this.pool).query(text);
  }

  async transaction<T>(body: (tx: Sql) => Promise<T>): Promise<T> {
    const open = this.openTransaction();
    if (open) return this.savepoint(open, body);
    const client = await this.pool.connect();
    const transaction: OpenTransaction = { client, ended: false, savepoints: 0 };
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      const result = await this.scope.run(transaction, () => body(this));
      await client.query("COMMIT");
      return result;
    } catch (error) {
      broken = await rollback(client, error);
      throw error;
    } finally {
      transaction.ended = true;
      // A connection whose rollback failed is in an unknown state: the pool drops it.
      client.release(broken);
    }
  }

  async lock(name: string): Promise<void> {
    const open = this.openTransaction();
    if (!open) throw new Error(`lock(${name}) outside a transaction: the lock would end at once`);
    await open.client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [name]);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  inTransaction(): boolean {
    return this.openTransaction() !== undefined;
  }

  private openTransaction(): OpenTransaction | undefined {
    return this.scope.current();
  }

  private query<R>(text: string, params: SqlParams | undefined): Promise<pg.QueryResult<R & pg.QueryResultRow>> {
    const rewritten = toPostgres(text);
    const target = this.openTransaction()?.client ?? this.pool;
    const name = rewritten.prepared;
    // A named statement is parsed and planned once per connection (pg prepares it on first use there).
    if (name) return target.query<R & pg.QueryResultRow>({ name, text: rewritten.text, values: bindValues(rewritten, params) });
    return target.query<R & pg.QueryResultRow>(rewritten.text, bindValues(rewritten, params));
  }

  private async savepoint<T>(open: OpenTransaction, body: (tx: Sql) => Promise<T>): Promise<T> {
    const name = `nexaas_${++open.savepoints}`;
    await open.client.query(`SAVEPOINT ${name}`);
    try {
      const result = await body(this);
      await open.client.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      await open.client.query(`ROLLBACK TO SAVEPOINT ${name}`);
      throw error;
    }
  }
}

/** Rolls back after `error`; returns the error to drop the connection with when even that failed. */
async function rollback(client: pg.PoolClient, error: unknown): Promise<Error | undefined> {
  try {
    await client.query("ROLLBACK");
    return undefined;
  } catch {
    return error instanceof Error ? error : new Error(String(error));
  }
}
