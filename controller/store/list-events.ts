import type { Database } from "better-sqlite3";
import { type EventStatus, eventStatus } from "./event-status.js";
import { prepared } from "./prepared.js";
import { workspaceTimezone } from "./workspace-timezone.js";

export { lastRuns, type RunSummary } from "./last-runs.js";

/** One event as `nexaas events --json` shows it (SPEC §10), plus a few fields people ask for. */
export interface EventSummary {
  id: string;
  status: EventStatus;
  agent: string | null;
  layer: "framework" | "workspace";
  condition: { type: string; expr: string | null; timezone: string | null };
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
  consecutive_failures: number;
  paused: number;
  paused_reason: string | null;
}

const selectSql = `SELECT name, layer, file, spec, agent, enabled, origin, next_fire_at, consecutive_failures, paused, paused_reason
  FROM events WHERE (@id IS NULL OR name = @id) AND (@agent IS NULL OR agent = @agent) ORDER BY name`;

/** The events, by id; `status` is computed at `now`, so it is filtered here rather than in SQL. */
export function listEvents(db: Database, now: Date, filter: EventFilter = {}): EventSummary[] {
  const rows = prepared(db, selectSql).all({ id: filter.id ?? null, agent: filter.agent ?? null }) as Row[];
  const defaultTimezone = workspaceTimezone(db);
  const out: EventSummary[] = [];
  for (const row of rows) {
    const spec = JSON.parse(row.spec) as {
      description?: unknown;
      condition?: { type?: unknown; expr?: unknown; timezone?: unknown };
      policy?: { expires_at?: unknown };
    };
    const status = eventStatus({ enabled: row.enabled, paused: row.paused, expires_at: spec.policy?.expires_at }, now);
    if (filter.status !== undefined && status !== filter.status) continue;
    const condition = spec.condition ?? {};
    const type = typeof condition.type === "string" ? condition.type : "";
    out.push({
      id: row.name,
      status,
      agent: row.agent,
      layer: row.layer,
      condition: {
        type,
        // Interval expressions may be a number of seconds; shown as text like the others.
        expr: typeof condition.expr === "string" || typeof condition.expr === "number" ? String(condition.expr) : null,
        timezone: type === "cron" ? (typeof condition.timezone === "string" ? condition.timezone : defaultTimezone) : null,
      },
      next_fire_at: row.next_fire_at,
      consecutive_failures: row.consecutive_failures,
      paused_reason: row.paused_reason,
      description: typeof spec.description === "string" ? spec.description : null,
      enabled: row.enabled !== 0,
      origin: row.origin,
      file: row.file,
    });
  }
  return out;
}
