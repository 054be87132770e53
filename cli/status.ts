import type { Sql } from "../controller/store/sql/sql.js";
import { SqliteSql } from "../controller/store/sql/sqlite-sql.js";
import { defineCommand } from "./support/command.js";
import { formatDiagnostics } from "./support/format/index.js";
import { openStoreSql } from "./support/open-store.js";

export const command = defineCommand({
  summary: "what is live: revisions, errors, events, queue, today's spend",
  help: `Usage: nexaas status [--workspace DIR] [--db PATH] [--json]

Shows the last applied revision (what is live), the last attempted one and,
when it was invalid, every error of it (file:line:col rule message); counts of
events by state, the queue depth and today's spend (UTC day).

Exit codes: 0 healthy; 1 degraded (the last attempted revision was refused or
failed to apply, so what is live is older than what is committed; or the
database fails its quick integrity check), or no database; 2 usage error.
A monitor can run \`nexaas status >/dev/null || alert\`.`,
  options: {},
  async run(ctx) {
    const sql = await openStoreSql(ctx.common, { create: false });
    try {
      const { statusReport } = await import("../controller/store/status-report.js");
      const status = await statusReport(sql, new Date());
      const degraded = degradedReasons(sql, status.last_result);
      const code = degraded.length > 0 ? 1 : 0;
      if (ctx.common.json) {
        ctx.stdout(JSON.stringify({ ...status, degraded }, null, 2) + "\n");
        return code;
      }
      const rev = (r: string | null) => (r ? r.slice(0, 12) : "none");
      const lines = [
        `applied:   ${rev(status.last_applied_revision)}${status.last_applied_at ? ` at ${status.last_applied_at}` : ""}`,
        `attempted: ${rev(status.last_attempted_revision)}${status.last_attempted_at ? ` at ${status.last_attempted_at}` : ""}${status.last_result ? ` (${status.last_result})` : ""}`,
        `events:    ${status.events.active} active, ${status.events.paused} paused, ${status.events.disabled} disabled, ${status.events.expired} expired`,
        `queue:     ${status.queue.queued} queued, ${status.queue.running} running`,
        `spend:     $${status.spend_today_usd.toFixed(2)} today (UTC)${status.budget_daily_usd === null ? "" : ` of a $${status.budget_daily_usd.toFixed(2)} daily budget`}`,
      ];
      if (status.drift.length > 0) lines.push(`drift put back at the last apply: ${status.drift.join(", ")}`);
      ctx.stdout(lines.join("\n") + "\n");
      if (status.errors.length > 0) {
        ctx.stdout(`\nerrors of ${rev(status.last_attempted_revision)} (not applied):\n`);
        ctx.stdout(formatDiagnostics("text", status.errors, { workspaceFromRepoRoot: "", toolVersion: "", color: false }));
      }
      if (degraded.length > 0) ctx.stdout(`\ndegraded: ${degraded.join("; ")}\n`);
      return code;
    } finally {
      await sql.close();
    }
  },
});

/** Why what runs is not what should: a refused or failed revision, or a database that fails its quick check. */
function degradedReasons(sql: Sql, lastResult: string | null): string[] {
  const reasons: string[] = [];
  if (lastResult === "invalid") reasons.push("the last attempted revision was refused (invalid); an older revision stays live");
  if (lastResult === "error") reasons.push("the last attempted revision failed to apply; an older revision stays live");
  // SQLite's file is checked here; a PostgreSQL server checks its own pages.
  if (sql instanceof SqliteSql) {
    const check = sql.db.pragma("quick_check", { simple: true });
    if (check !== "ok") reasons.push(`the database fails its integrity check: ${String(check)}`);
  }
  return reasons;
}
