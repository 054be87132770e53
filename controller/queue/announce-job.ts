import type { Sql } from "../store/sql/sql.js";

/** The PostgreSQL channel on which a queued or freed job is announced to every controller's workers. */
export const jobChannel = "nexaas_jobs";

/**
 * Inside the transaction that queued a job (or freed a concurrency key): on
 * PostgreSQL every controller listening hears of it when the transaction
 * commits, and not at all when it rolls back, so workers claim at once instead
 * of at their next poll. On SQLite there is one controller, and it pokes its
 * own pool.
 */
export async function announceJob(tx: Sql): Promise<void> {
  if (tx.dialect === "postgres") await tx.get("SELECT pg_notify(?, '')", [jobChannel]);
}
