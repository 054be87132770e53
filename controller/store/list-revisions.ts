import { type Diagnostic, isDiagnostic } from "../definitions/diagnostic.js";
import type { Sql } from "./sql/sql.js";
import { parseList, type SyncResult } from "./sync-status.js";

export interface RevisionEntry {
  id: number;
  revision: string | null;
  result: SyncResult;
  at: string;
  errors: Diagnostic[];
}

type Row = Omit<RevisionEntry, "errors"> & { errors: string };

/** The reconcile history, newest first; `before` is the id the previous page ended after. */
export async function listRevisions(sql: Sql, page: { before?: number; limit: number }): Promise<RevisionEntry[]> {
  // PostgreSQL cannot type a parameter from `IS NULL` alone: the CAST names its type (on SQLite it changes nothing).
  const rows = await sql.all<Row>(
    "SELECT id, revision, result, at, errors FROM reconcile_history WHERE (CAST(@before AS INTEGER) IS NULL OR id < @before) ORDER BY id DESC LIMIT @limit",
    { before: page.before ?? null, limit: page.limit },
  );
  return rows.map((row) => ({ ...row, errors: parseList(row.errors).filter(isDiagnostic) }));
}
