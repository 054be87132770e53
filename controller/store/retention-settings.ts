import type { Database } from "better-sqlite3";
import { parseDuration } from "../definitions/duration.js";
import { retentionDefaults } from "../definitions/schema-types.js";
import { prepared } from "./prepared.js";

/** nexaas.yaml's `retention` (SPEC §11), defaults applied. */
export interface RetentionSettings {
  /** Finished runs older than this are deleted. */
  runsMs: number;
  /** Finished runs beyond the newest this many of their event are deleted. */
  maxRunsPerEvent: number;
}

const defaultRunsMs = parseDuration(retentionDefaults.runs) ?? 30 * 86_400_000;

/**
 * The applied workspace's retention, read at each pruning pass so a reconcile
 * that changes it takes effect at the next one. Validation refused anything
 * else; a value mangled out of band falls back to the default.
 */
export function retentionSettings(db: Database): RetentionSettings {
  const row = prepared<[], { runs: unknown; max: unknown }>(
    db,
    "SELECT json_extract(spec, '$.retention.runs') AS runs, json_extract(spec, '$.retention.max_runs_per_event') AS max FROM workspace_settings WHERE name = 'workspace'",
  ).get();
  const runs = typeof row?.runs === "string" || typeof row?.runs === "number" ? parseDuration(row.runs) : undefined;
  const max = typeof row?.max === "number" && Number.isInteger(row.max) && row.max >= 1 ? row.max : undefined;
  return { runsMs: runs ?? defaultRunsMs, maxRunsPerEvent: max ?? retentionDefaults.max_runs_per_event };
}
