/** SPEC §10 event statuses. */
export type EventStatus = "active" | "paused" | "disabled" | "expired";

/**
 * What an event is doing now. Disabled wins (the author switched it off), then
 * expired (it will never fire again, paused or not), then paused.
 */
export function eventStatus(row: { enabled: number; paused: number; expires_at: unknown }, now: Date): EventStatus {
  if (row.enabled === 0) return "disabled";
  if (typeof row.expires_at === "string" && Date.parse(row.expires_at) < now.getTime()) return "expired";
  if (row.paused !== 0) return "paused";
  return "active";
}
