import type { Database } from "better-sqlite3";
import type { ResolvedEvent } from "../definitions/resolved-event.js";
import { decodeSpec } from "./decode-spec.js";
import { prepared } from "./prepared.js";
import { isoTime } from "./time.js";

export interface DueEvent {
  name: string;
  spec: ResolvedEvent;
  next_fire_at: string;
  revision: string;
}

/**
 * Enabled, unpaused events whose next fire time has come. Times are ISO UTC
 * with milliseconds, which sort as text (durations are capped at 366 days,
 * so no year ever leaves four digits).
 */
export function dueEvents(db: Database, now: Date): DueEvent[] {
  const rows = prepared<[string], { name: string; spec: string; next_fire_at: string; revision: string }>(
    db,
    `SELECT name, spec, next_fire_at, revision FROM events
      WHERE enabled = 1 AND paused = 0 AND next_fire_at IS NOT NULL AND next_fire_at <= ?
      ORDER BY next_fire_at, name`,
  ).all(isoTime(now));
  const due: DueEvent[] = [];
  for (const row of rows) {
    // A row mangled out of band cannot fire; the next apply puts it back.
    const spec = decodeSpec("event", row.spec);
    if (spec) due.push({ ...row, spec });
  }
  return due;
}

/** The earliest next fire time of any event that can fire, for the scheduler's timer. */
export function nextDueAt(db: Database): Date | undefined {
  const row = prepared<[], { at: string | null }>(db, "SELECT min(next_fire_at) AS at FROM events WHERE enabled = 1 AND paused = 0 AND next_fire_at IS NOT NULL").get();
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
  return prepared<[string]>(db, "SELECT 1 FROM event_runs WHERE event_id = ? AND status IN ('queued', 'running') LIMIT 1").get(eventId) !== undefined;
}
