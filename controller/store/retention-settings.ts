import { parseDuration } from "../definitions/duration.js";
import { retentionDefaults } from "../definitions/schema-types.js";
import { readDefinition } from "./read-definition.js";
import type { Sql } from "./sql/sql.js";

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
export async function retentionSettings(sql: Sql): Promise<RetentionSettings> {
  // Through readDefinition: a row that is not JSON reads as none (SQLite's json_extract threw on it,
  // and every pruning pass failed until the next apply).
  const retention: { runs?: unknown; max_runs_per_event?: unknown } | undefined = (await readDefinition(sql, "workspace", "workspace"))?.retention;
  const runs = typeof retention?.runs === "string" || typeof retention?.runs === "number" ? parseDuration(retention.runs) : undefined;
  const max = retention?.max_runs_per_event;
  const maxRuns = typeof max === "number" && Number.isInteger(max) && max >= 1 ? max : undefined;
  return { runsMs: runs ?? defaultRunsMs, maxRunsPerEvent: maxRuns ?? retentionDefaults.max_runs_per_event };
}
