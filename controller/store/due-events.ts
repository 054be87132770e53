import type { Database } from "better-sqlite3";
import { prepared } from "./prepared.js";
import { isoTime } from "./time.js";

export interface DueEvent {
  name: string;
  spec: Record<string, unknown>;
  next_fire_at: string;
}

/**
 * Enabled, unpaused events whose next fire time has come. Times are ISO UTC
 * with milliseconds, which sort as text (durations are capped at 366 days,
 * so no year ever leaves four digits).
 */
export function dueEvents(db: Database, now: Date): DueEvent[] {
  const rows = prepared(
    db,
    `SELECT name, spec, next_fire_at FROM events
      WHERE enabled = 1 AND paused = 0 AND next_fire_at IS NOT NULL AND next_fire_at <= ?
      ORDER BY next_fire_at, name`,
  ).all(isoTime(now)) as { name: string; spec: string; next_fire_at: string }[];
  return rows.map((r) => ({ name: r.name, spec: JSON.parse(r.spec) as Record<string, unknown>, next_fire_at: r.next_fire_at }));
}

/** The earliest next fire time of any event that can fire, for the scheduler's timer. */
export function nextDueAt(db: Database): Date | undefined {
  const row = prepared(db, "SELECT min(next_fire_at) AS at FROM events WHERE enabled = 1 AND paused = 0 AND next_fire_at IS NOT NULL").get() as
    | { at: string | null }
    | undefined;
  return row?.at ? new Date(row.at) : undefined;
}

/** After firing: the next slot (null when the event will not fire again) and when it last fired. */
export function advanceEvent(db: Database, name: string, next: Date | null, firedAt: Date | null, now: Date): void {
  prepared(db, "UPDATE events SET next_fire_at = ?, last_fired_at = coalesce(?, last_fired_at), updated_at = ? WHERE name = ?").run(
    next ? isoTime(next) : null,
    firedAt ? isoTime(firedAt) : null,
    isoTime(now),
    name,
  );
}

/** Whether the event has a run waiting or running (for `overlap: skip`). */
export function hasActiveRun(db: Database, eventId: string): boolean {
  // Answered from the partial index event_runs_active, not the event's whole history.
  return prepared(db, "SELECT 1 FROM event_runs WHERE event_id = ? AND status IN ('queued', 'running') LIMIT 1").get(eventId) !== undefined;
}
