import type { Diagnostic } from "../definitions/diagnostic.js";
import type { Sql } from "./sql/sql.js";
import type { SyncResult } from "./sync-status.js";
import { isoTime } from "./time.js";

// NULLs compare equal with SQLite's `IS`; PostgreSQL spells that IS NOT DISTINCT FROM.
const insertSql = (same: string) => `INSERT INTO reconcile_history (revision, result, at, errors)
     SELECT @revision, @result, @at, @errors
     WHERE NOT EXISTS (
       SELECT 1 FROM (SELECT revision, result, errors FROM reconcile_history ORDER BY id DESC LIMIT 1) newest
       WHERE newest.revision ${same} @revision AND newest.result = @result AND newest.errors = @errors)`;
const insertSqls = { sqlite: insertSql("IS"), postgres: insertSql("IS NOT DISTINCT FROM") } as const;

/**
 * Adds a reconcile attempt to the history, unless the newest entry is the same
 * revision with the same outcome (a remote that stays unreachable, a drift check
 * of the live revision): the history then grows by commits, not by polls.
 */
export async function recordRevision(sql: Sql, input: { revision: string | null; result: SyncResult; at: Date; errors: readonly Diagnostic[] }): Promise<void> {
  await sql.run(insertSqls[sql.dialect], { revision: input.revision, result: input.result, at: isoTime(input.at), errors: JSON.stringify(input.errors) });
}
