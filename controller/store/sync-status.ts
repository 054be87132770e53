import { type Diagnostic, isDiagnostic } from "../definitions/diagnostic.js";
import { recordRevision } from "./record-revision.js";
import type { Sql } from "./sql/sql.js";
import { isoTime } from "./time.js";

export type SyncResult = "applied" | "unchanged" | "invalid" | "error";

/** What is live (last applied) and what was last tried, with its errors when it failed. */
export interface SyncStatus {
  last_applied_revision: string | null;
  /** Identifies the applied content (workspace tree and framework): equal key, nothing to do. */
  last_applied_key: string | null;
  last_applied_at: string | null;
  last_attempted_revision: string | null;
  last_attempted_at: string | null;
  last_result: SyncResult | null;
  errors: Diagnostic[];
  /** Objects found edited out of band and put back by the last apply (`kind/name`). */
  drift: string[];
}

type Row = Omit<SyncStatus, "errors" | "drift"> & { errors: string; drift: string };

const selectSql = "SELECT * FROM sync_status WHERE id = 1";

export async function getSyncStatus(sql: Sql): Promise<SyncStatus> {
  return syncStatusOf(await sql.get<Row>(selectSql));
}

function syncStatusOf(row: Row | undefined): SyncStatus {
  if (!row) throw new Error("sync_status has no row: the store's first migration did not run");
  return {
    last_applied_revision: row.last_applied_revision,
    last_applied_key: row.last_applied_key,
    last_applied_at: row.last_applied_at,
    last_attempted_revision: row.last_attempted_revision,
    last_attempted_at: row.last_attempted_at,
    last_result: row.last_result,
    errors: parseList(row.errors).filter(isDiagnostic),
    drift: parseList(row.drift).filter((d) => typeof d === "string"),
  };
}

/** A revision went live. */
export async function recordApplied(sql: Sql, input: { revision: string; key: string; at: Date; drift: readonly string[] }): Promise<void> {
  const at = isoTime(input.at);
  await sql.run(
    `UPDATE sync_status SET last_applied_revision = @revision, last_applied_key = @key, last_applied_at = @at,
       last_attempted_revision = @revision, last_attempted_at = @at, last_result = 'applied', errors = '[]', drift = @drift
     WHERE id = 1`,
    { revision: input.revision, key: input.key, at, drift: JSON.stringify(input.drift) },
  );
  await recordRevision(sql, { revision: input.revision, result: "applied", at: input.at, errors: [] });
}

/** A revision whose content is already live (e.g. a commit that did not touch the workspace). */
export async function recordUnchanged(sql: Sql, input: { revision: string; at: Date }): Promise<void> {
  await sql.run(
    `UPDATE sync_status SET last_attempted_revision = @revision, last_attempted_at = @at, last_result = 'unchanged', errors = '[]'
     WHERE id = 1`,
    { revision: input.revision, at: isoTime(input.at) },
  );
  await recordRevision(sql, { revision: input.revision, result: "unchanged", at: input.at, errors: [] });
}

/** A revision with errors: nothing of it applied, so the last applied revision stays live and is kept here. */
export async function recordInvalid(sql: Sql, input: { revision: string; at: Date; errors: readonly Diagnostic[] }): Promise<void> {
  await sql.run(
    `UPDATE sync_status SET last_attempted_revision = @revision, last_attempted_at = @at, last_result = 'invalid', errors = @errors
     WHERE id = 1`,
    { revision: input.revision, at: isoTime(input.at), errors: JSON.stringify(input.errors) },
  );
  await recordRevision(sql, { revision: input.revision, result: "invalid", at: input.at, errors: input.errors });
}

/**
 * A reconcile that failed for a reason other than invalid files: an unknown
 * revision, a git failure, a crash. Nothing was applied, so the applied fields
 * stay; the message is shown as one diagnostic so that status has one shape
 * for every failure. `revision` is null when the failure came before one was
 * resolved; the last attempted revision is then left as it was.
 */
export async function recordFailed(sql: Sql, input: { revision: string | null; at: Date; message: string }): Promise<void> {
  const errors: Diagnostic[] = [{ file: "", line: 0, column: 0, rule: "reconcile-error", severity: "error", message: input.message }];
  await sql.run(
    `UPDATE sync_status SET last_attempted_revision = coalesce(@revision, last_attempted_revision), last_attempted_at = @at,
       last_result = 'error', errors = @errors
     WHERE id = 1`,
    { revision: input.revision, at: isoTime(input.at), errors: JSON.stringify(errors) },
  );
  await recordRevision(sql, { revision: input.revision, result: "error", at: input.at, errors });
}

/** A JSON list this module wrote; anything else reads as empty. */
export function parseList(text: string): unknown[] {
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) ? value : [];
}
