import type { ResolvedEvent } from "../definitions/resolved-event.js";
import { decodeSpec } from "./decode-spec.js";
import { byBytes } from "./definition-tables.js";
import type { Sql } from "./sql/sql.js";
import { isoTime } from "./time.js";

export interface DueEvent {
  name: string;
  spec: ResolvedEvent;
  next_fire_at: string;
  revision: string;
}

// Events due at the same time fire in the byte order of their names on both backends (byBytes).
const dueSql = (collate: string) => `SELECT name, spec, next_fire_at, revision FROM events
  WHERE enabled = 1 AND paused = 0 AND next_fire_at IS NOT NULL AND next_fire_at <= ?
  ORDER BY next_fire_at, name${collate}`;
const dueSqls = { sqlite: dueSql(byBytes({ dialect: "sqlite" })), postgres: dueSql(byBytes({ dialect: "postgres" })) } as const;

/**
 * Enabled, unpaused events whose next fire time has come. Times are ISO UTC
 * with milliseconds, which sort as text (durations are capped at 366 days,
 * so no year ever leaves four digits).
 */
export async function dueEvents(sql: Sql, now: Date): Promise<DueEvent[]> {
  const rows = await sql.all<{ name: string; spec: string; next_fire_at: string; revision: string }>(dueSqls[sql.dialect], [isoTime(now)]);
  const due: DueEvent[] = [];
  for (const row of rows) {
    // A row mangled out of band cannot fire; the next apply puts it back.
    const spec = decodeSpec("event", row.spec);
    if (spec) due.push({ ...row, spec });
  }
  return due;
}

/** The earliest next fire time of any event that can fire, for the scheduler's timer. */
export async function nextDueAt(sql: Sql): Promise<Date | undefined> {
  const row = await sql.get<{ at: string | null }>("SELECT min(next_fire_at) AS at FROM events WHERE enabled = 1 AND paused = 0 AND next_fire_at IS NOT NULL");
  return row?.at ? new Date(row.at) : undefined;
}

/** After firing: the next slot (null when the event will not fire again) and when it last fired. */
export async function advanceEvent(sql: Sql, name: string, next: Date | null, firedAt: Date | null, now: Date): Promise<void> {
  await sql.run("UPDATE events SET next_fire_at = ?, last_fired_at = coalesce(?, last_fired_at), updated_at = ? WHERE name = ?", [
    next ? isoTime(next) : null,
    firedAt ? isoTime(firedAt) : null,
    isoTime(now),
    name,
  ]);
}

/** Whether the event has a run waiting or running (for `overlap: skip`). */
export async function hasActiveRun(sql: Sql, eventId: string): Promise<boolean> {
  // Answered from the partial index event_runs_active, not the event's whole history.
  return (await sql.get("SELECT 1 AS active FROM event_runs WHERE event_id = ? AND status IN ('queued', 'running') LIMIT 1", [eventId])) !== undefined;
}
