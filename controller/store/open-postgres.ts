import { isPostgresUrl, redactUrl } from "./database-url.js";
import { migratePostgres } from "./postgres/migrate-postgres.js";
import { StoreError } from "./store-error.js";
import { PostgresSql } from "./sql/postgres-sql.js";

export { isPostgresUrl, redactUrl };

/**
 * Connects to the PostgreSQL store at `url` and brings its schema up to date
 * (several controllers starting at once migrate one after another). A server
 * that cannot be reached or a database that is not Nexaas's fails here, with
 * the pool closed.
 */
export async function openPostgres(url: string, options: { max?: number } = {}): Promise<PostgresSql> {
  const sql = new PostgresSql(url, options);
  try {
    const client = await sql.pool.connect().catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      throw new StoreError(`cannot reach the PostgreSQL database at ${redactUrl(url)}: ${reason}`, "unreachable", { cause: error });
    });
    try {
      await migratePostgres(client);
    } finally {
      client.release();
    }
    return sql;
  } catch (error) {
    await sql.close();
    throw error;
  }
}
