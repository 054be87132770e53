/** SPEC §10 event statuses. */
export type EventStatus = "active" | "paused" | "disabled" | "expired";

/**
 * What an event is doing now. Disabled wins (the author switched it off), then
 * expired (it will never fire again, paused or not), then paused.
 */
export function eventStatus(
  row: { enabled: number; paused: number; expires_at: unknown; condition_type?: unknown; next_fire_at?: unknown; last_fired_at?: unknown },
  now: Date,
): EventStatus {
  if (row.enabled === 0) return "disabled";
  if (typeof row.expires_at === "string" && Date.parse(row.expires_at) < now.getTime()) return "expired";
  // A once event that fired has nothing left to fire.
  if (row.condition_type === "once" && row.next_fire_at === null && typeof row.last_fired_at === "string") return "expired";
  if (row.paused !== 0) return "paused";
  return "active";
}
