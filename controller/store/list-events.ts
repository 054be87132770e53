import type { EventCondition } from "../definitions/resolved-event.js";
import { decodeSpec } from "./decode-spec.js";
import { type EventStatus, eventStatus } from "./event-status.js";
import { byBytes } from "./definition-tables.js";
import type { Sql } from "./sql/sql.js";
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

// PostgreSQL cannot type a parameter from `IS NULL` alone: the CAST names its type (on SQLite it changes nothing).
// Names sort and page by bytes on both (byBytes): the cursor compares as the order does.
const selectSql = (collate: string) => `SELECT name, layer, file, spec, agent, enabled, origin, next_fire_at, last_fired_at, condition_type, consecutive_failures, paused, paused_reason
  FROM events WHERE (CAST(@id AS TEXT) IS NULL OR name = @id) AND (CAST(@agent AS TEXT) IS NULL OR agent = @agent) AND (CAST(@after AS TEXT) IS NULL OR name${collate} > @after)
  ORDER BY name${collate} LIMIT @batch`;
const selectSqls = { sqlite: selectSql(byBytes({ dialect: "sqlite" })), postgres: selectSql(byBytes({ dialect: "postgres" })) } as const;

/** Rows read at a time: a page of a 10,000-event store reads about one page of rows, as the status filter is applied here. */
const batchSize = 200;

/** The events, by id; `status` is computed at `now`, so it is filtered here rather than in SQL. */
export async function listEvents(sql: Sql, now: Date, filter: EventFilter = {}): Promise<EventSummary[]> {
  // For a cron condition stored without its time zone (every applied one has its own).
  const defaultTimezone = await workspaceTimezone(sql);
  const timezoneOf = (given: string | undefined) => given ?? defaultTimezone;
  const out: EventSummary[] = [];
  const limit = filter.limit ?? Number.POSITIVE_INFINITY;
  let after = filter.after ?? null;
  for (;;) {
    const rows = await sql.all<Row>(selectSqls[sql.dialect], { id: filter.id ?? null, agent: filter.agent ?? null, after, batch: batchSize });
    for (const row of rows) {
      if (out.length >= limit) return out;
      const summary = summarize(row, now, timezoneOf);
      if (filter.status === undefined || summary.status === filter.status) out.push(summary);
    }
    if (rows.length < batchSize || out.length >= limit) return out;
    after = rows[rows.length - 1]?.name ?? null;
  }
}

function summarize(row: Row, now: Date, timezoneOf: (given: string | undefined) => string): EventSummary {
  // A row mangled out of band still lists, with what its columns say.
  const spec = decodeSpec("event", row.spec);
  const status = eventStatus({ ...row, expires_at: spec?.policy.expires_at }, now);
  const conditionSpec = spec?.condition ?? null;
  const type = conditionSpec?.type ?? row.condition_type;
  return {
    id: row.name,
    status,
    agent: row.agent,
    layer: row.layer,
    condition: {
      type,
      expr: conditionSpec && "expr" in conditionSpec ? conditionSpec.expr : null,
      timezone: conditionSpec?.type === "cron" ? timezoneOf(conditionSpec.timezone) : null,
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
  };
}
