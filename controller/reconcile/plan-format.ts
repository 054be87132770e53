import type { Change, ChangeOp, FieldChange, Plan } from "./plan.js";

/** Helpers the plan renderers share, so text and Markdown say the same thing. */

export type OpCounts = Record<ChangeOp, number>;

export function countOps(changes: readonly Change[]): OpCounts {
  const counts: OpCounts = { create: 0, update: 0, delete: 0 };
  for (const c of changes) counts[c.op]++;
  return counts;
}

/** "Plan: 2 to create, 1 to update, 0 to delete, 40 unchanged." or "No changes. 40 objects unchanged." */
export function summaryLine(plan: Plan): string {
  if (plan.changes.length === 0) return `No changes. ${plan.unchanged} ${plan.unchanged === 1 ? "object" : "objects"} unchanged.`;
  const n = countOps(plan.changes);
  return `Plan: ${n.create} to create, ${n.update} to update, ${n.delete} to delete, ${plan.unchanged} unchanged.`;
}

export const opSymbol: Record<ChangeOp, string> = { create: "+", update: "~", delete: "-" };

/** A full commit id is shortened as git does; anything else (a ref name) is kept. */
export function shortRevision(revision: string | null): string {
  if (revision === null) return "(nothing applied)";
  return /^[0-9a-f]{40,64}$/.test(revision) ? revision.slice(0, 12) : revision;
}

/**
 * Fields a reviewer must read whole, never cut: what an agent may do (its
 * tools, servers, sub-agents, skills) and where requests may go (egress).
 */
export const uncutField = (path: string): boolean => /^(tools|mcp_servers|sub_agents|skills|egress|defaults\.tools)(\b|\.|\[|$)/.test(path);

/** A value as JSON on one line, cut to `max` characters so one long field does not swamp a plan. */
export function formatValue(value: unknown, max = 80): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length <= max ? json : `${json.slice(0, max - 1)}…`;
}

export const isTextField = (field: FieldChange): boolean => !("before" in field) && !("after" in field);

const zonedFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * An instant as people in `timezone` read it, with the offset so DST shows:
 * "Mon 2026-11-23 09:00:00 +01:00". Without a zone (interval, once): UTC.
 */
export function formatFireTime(iso: string, timezone: string | null): string {
  const zone = timezone ?? "UTC";
  let format = zonedFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      weekday: "short",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
      timeZoneName: "longOffset",
    });
    zonedFormats.set(zone, format);
  }
  const parts: Record<string, string> = {};
  for (const p of format.formatToParts(new Date(iso))) parts[p.type] = p.value;
  const offset = (parts.timeZoneName ?? "GMT").replace(/^GMT/, "") || "+00:00";
  return `${parts.weekday} ${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${offset}`;
}
