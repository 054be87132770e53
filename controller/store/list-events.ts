import type { Database } from "better-sqlite3";
import type { EventCondition } from "../definitions/resolved-event.js";
import { decodeSpec } from "./decode-spec.js";
import { type EventStatus, eventStatus } from "./event-status.js";
import { prepared } from "./prepared.js";
import { sqliteSql } from "./sql/sqlite-sql.js";
import { workspaceTimezone } from "./workspace-timezone.js";

export { lastRuns, type RunSummary } from "./last-runs.js";

/** One event as `nexaas events --json` shows it (SPEC §10), plus a few fields people ask for. */
export interface EventSummary {
  id: string;
  status: EventStatus;
  agent: string | null;
  layer: "framework" | "workspace";
  /**
   * `expr` keeps its JSON type: an interval may be a number of seconds (90),
   * which a duration parser reads, where the text "90" would not parse.
   */
  condition: { type: string; expr: string | number | null; timezone: string | null };
  /**
   * The condition exactly as stored in the spec (validated when applied; a cron
   * condition carries the time zone it resolved to), for computing fire times.
   * null if the stored spec has none.
   */
  condition_spec: EventCondition | null;
  next_fire_at: string | null;
  consecutive_failures: number;
  paused_reason: string | null;
  description: string | null;
  enabled: boolean;
  origin: string;
  file: string;
}

export interface EventFilter {
  id?: string;
  status?: string;
  agent?: string;
  /** Only events whose id sorts after this one (cursor pagination). */
  after?: string;
  /** At most this many (the status filter is applied first). */
  limit?: number;
}

interface Row {
  name: string;
  layer: "framework" | "workspace";
  file: string;
  spec: string;
  agent: string | null;
  enabled: number;
  origin: string;
  next_fire_at: string | null;
  last_fired_at: string | null;
  condition_type: string;
  consecutive_failures: number;
  paused: number;
  paused_reason: string | null;
}

const selectSql = `SELECT name, layer, file, spec, agent, enabled, origin, next_fire_at, last_fired_at, condition_type, consecutive_failures, paused, paused_reason
  FROM events WHERE (@id IS NULL OR name = @id) AND (@agent IS NULL OR agent = @agent) AND (@after IS NULL OR name > @after) ORDER BY name`;

/** The events, by id; `status` is computed at `now`, so it is filtered here rather than in SQL. */
export async function listEvents(db: Database, now: Date, filter: EventFilter = {}): Promise<EventSummary[]> {
  const defaultTimezone = await workspaceTimezone(sqliteSql(db));
  // Iterated, not loaded whole: a page of a 10,000-event store reads one page of rows.
  const rows = prepared<{ id: string | null; agent: string | null; after: string | null }, Row>(db, selectSql).iterate({
    id: filter.id ?? null,
    agent: filter.agent ?? null,
    after: filter.after ?? null,
  });
  const out: EventSummary[] = [];
  const limit = filter.limit ?? Number.POSITIVE_INFINITY;
  for (const row of rows) {
    if (out.length >= limit) {
      rows.return?.(); // close the statement's cursor
      break;
    }
    // A row mangled out of band still lists, with what its columns say.
    const spec = decodeSpec("event", row.spec);
    const status = eventStatus({ ...row, expires_at: spec?.policy.expires_at }, now);
    if (filter.status !== undefined && status !== filter.status) continue;
    const conditionSpec = spec?.condition ?? null;
    const type = conditionSpec?.type ?? row.condition_type;
    out.push({
      id: row.name,
      status,
      agent: row.agent,
      layer: row.layer,
      condition: {
        type,
        expr: conditionSpec && "expr" in conditionSpec ? conditionSpec.expr : null,
        timezone: conditionSpec?.type === "cron" ? (conditionSpec.timezone ?? defaultTimezone) : null,
      },
      condition_spec: conditionSpec,
      // A disabled or expired event never fires: a time here would be a promise the scheduler does not keep.
      next_fire_at: status === "disabled" || status === "expired" ? null : row.next_fire_at,
      consecutive_failures: row.consecutive_failures,
      paused_reason: row.paused_reason,
      description: spec?.description ?? null,
      enabled: row.enabled !== 0,
      origin: row.origin,
      file: row.file,
    });
  }
  return out;
}
