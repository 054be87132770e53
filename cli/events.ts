import type { EventSummary } from "../controller/store/list-events.js";
import { defineCommand } from "./support/command.js";
import { CommandError, UsageError } from "./support/errors.js";
import { openStoreSql } from "./support/open-store.js";

export const command = defineCommand({
  summary: "list events, or show one with its next fire times and last runs",
  help: `Usage: nexaas events [ID] [--status active|paused|disabled|expired] [--agent NAME] [--json]

Without ID: every event with its state, agent, condition and next fire time.
With ID: that event, its next 5 fire times and its last 10 runs.

Exit codes: 0 success, 1 no such event or no database, 2 usage error.`,
  maxPositionals: 1,
  options: {
    status: { type: "string" },
    agent: { type: "string" },
  },
  async run(ctx) {
    const status = ctx.values.status;
    if (status !== undefined && !["active", "paused", "disabled", "expired"].includes(status)) {
      throw new UsageError(`--status ${status}: use active, paused, disabled or expired`);
    }
    const sql = await openStoreSql(ctx.common, { create: false });
    try {
      const { listEvents, lastRuns } = await import("../controller/store/list-events.js");
      const { nextFireTimes } = await import("../controller/definitions/next-fire-time.js");
      const now = new Date();
      const [id] = ctx.positionals;
      const events = await listEvents(sql, now, {
        ...(id !== undefined ? { id } : {}),
        ...(typeof ctx.values.status === "string" ? { status: ctx.values.status } : {}),
        ...(typeof ctx.values.agent === "string" ? { agent: ctx.values.agent } : {}),
      });
      if (id === undefined) {
        if (ctx.common.json) ctx.stdout(JSON.stringify(events, null, 2) + "\n");
        else ctx.stdout(renderList(events));
        return 0;
      }
      const event = events[0];
      if (!event) throw new CommandError(`no event "${id}" in the database (is the revision that defines it applied?)`, "not-found");
      const upcoming =
        event.status === "active" && event.next_fire_at && event.condition_spec
          ? [new Date(event.next_fire_at), ...nextFireTimes(event.condition_spec, new Date(event.next_fire_at), event.condition.timezone ?? "UTC", 4)]
          : [];
      const detail = { ...event, next_fire_times: upcoming.map((d) => d.toISOString()), last_runs: await lastRuns(sql, event.id, 10) };
      if (ctx.common.json) ctx.stdout(JSON.stringify(detail, null, 2) + "\n");
      else ctx.stdout(renderDetail(detail));
      return 0;
    } finally {
      await sql.close();
    }
  },
});

type EventRow = EventSummary;

function renderList(events: EventRow[]): string {
  if (events.length === 0) return "no events\n";
  const rows = events.map((e) => [e.id, e.status, e.agent ?? "-", `${e.condition.type}${e.condition.expr !== null && e.condition.expr !== undefined ? ` ${String(e.condition.expr)}` : ""}`, e.next_fire_at ?? "-"]);
  const head = ["ID", "STATUS", "AGENT", "CONDITION", "NEXT FIRE (UTC)"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  return [line(head), ...rows.map(line)].join("\n") + "\n";
}

function renderDetail(d: EventRow & { next_fire_times: string[]; last_runs: { id: number; status: string; scheduled_for: string; duration_ms: number | null; error: string | null }[] }): string {
  const lines = [
    `${d.id} (${d.status}, ${d.layer} layer, ${d.file})`,
    d.description ? `  ${d.description}` : undefined,
    `  agent:     ${d.agent ?? "-"}`,
    `  condition: ${d.condition.type}${d.condition.expr ? ` ${String(d.condition.expr)}` : ""}${d.condition.timezone ? ` (${d.condition.timezone})` : ""}`,
    d.paused_reason ? `  paused:    ${d.paused_reason}` : undefined,
    `  failures:  ${d.consecutive_failures} in a row`,
    `  next fire times (UTC):`,
    ...(d.next_fire_times.length ? d.next_fire_times.map((t) => `    ${t}`) : ["    none"]),
    `  last runs:`,
    ...(d.last_runs.length
      ? d.last_runs.map((r) => `    #${r.id} ${r.status} for ${r.scheduled_for}${r.duration_ms !== null ? ` in ${r.duration_ms} ms` : ""}${r.error ? `: ${r.error}` : ""}`)
      : ["    none"]),
  ];
  return lines.filter((l) => l !== undefined).join("\n") + "\n";
}
