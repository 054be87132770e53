import { parseDuration } from "../definitions/duration.js";
import { retentionDefaults } from "../definitions/schema-types.js";
import type { Sql } from "./sql/sql.js";

/** nexaas.yaml's `retention` (SPEC §11), defaults applied. */
export interface RetentionSettings {
  /** Finished runs older than this are deleted. */
  runsMs: number;
  /** Finished runs beyond the newest this many of their event are deleted. */
  maxRunsPerEvent: number;
}

const defaultRunsMs = parseDuration(retentionDefaults.runs) ?? 30 * 86_400_000;

// JSON paths differ: SQLite's json_extract, PostgreSQL's jsonb `->` (pg hands a
// jsonb number or string back as one, as json_extract does). nexaas_spec_or_null
// (migration 000001) reads a spec mangled out of band as null instead of failing.
const selectSqls = {
  sqlite:
    "SELECT json_extract(spec, '$.retention.runs') AS runs, json_extract(spec, '$.retention.max_runs_per_event') AS max FROM workspace_settings WHERE name = 'workspace'",
  postgres:
    "SELECT nexaas_spec_or_null(spec) -> 'retention' -> 'runs' AS runs, nexaas_spec_or_null(spec) -> 'retention' -> 'max_runs_per_event' AS max FROM workspace_settings WHERE name = 'workspace'",
} as const;

/**
 * The applied workspace's retention, read at each pruning pass so a reconcile
 * that changes it takes effect at the next one. Validation refused anything
 * else; a value mangled out of band falls back to the default.
 */
export async function retentionSettings(sql: Sql): Promise<RetentionSettings> {
  const row = await sql.get<{ runs: unknown; max: unknown }>(selectSqls[sql.dialect]);
  const runs = typeof row?.runs === "string" || typeof row?.runs === "number" ? parseDuration(row.runs) : undefined;
  const max = typeof row?.max === "number" && Number.isInteger(row.max) && row.max >= 1 ? row.max : undefined;
  return { runsMs: runs ?? defaultRunsMs, maxRunsPerEvent: max ?? retentionDefaults.max_runs_per_event };
}
