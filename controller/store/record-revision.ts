import type { Database } from "better-sqlite3";
import type { Diagnostic } from "../definitions/diagnostic.js";
import { prepared } from "./prepared.js";
import type { SyncResult } from "./sync-status.js";
import { isoTime } from "./time.js";

/**
 * Adds a reconcile attempt to the history, unless the newest entry is the same
 * revision with the same outcome (a remote that stays unreachable, a drift check
 * of the live revision): the history then grows by commits, not by polls.
 */
export function recordRevision(db: Database, input: { revision: string | null; result: SyncResult; at: Date; errors: readonly Diagnostic[] }): void {
  prepared(
    db,
    `INSERT INTO reconcile_history (revision, result, at, errors)
     SELECT @revision, @result, @at, @errors
     WHERE NOT EXISTS (
       SELECT 1 FROM (SELECT revision, result, errors FROM reconcile_history ORDER BY id DESC LIMIT 1) newest
       WHERE newest.revision IS @revision AND newest.result = @result AND newest.errors = @errors)`,
  ).run({ revision: input.revision, result: input.result, at: isoTime(input.at), errors: JSON.stringify(input.errors) });
}
