import { defineCommand } from "./support/command.js";
import { UsageError } from "./support/errors.js";
import { isOneOf } from "./support/one-of.js";
import { openStoreSql } from "./support/open-store.js";

const groupings = ["model", "agent", "event"] as const;

export const command = defineCommand({
  summary: "tokens and cost of model calls, by model, agent or event",
  help: `Usage: nexaas usage [--since DATE] [--by model|agent|event] [--json]

Sums every model call's input, output, cache-write and cache-read tokens and
its cost (from the dated price table; calls of unpriced models are counted,
and their cost shown as unknown, never as 0). --since takes an ISO date or
date-time (default: today, UTC).

Exit codes: 0 success, 1 no database, 2 usage error.`,
  options: { since: { type: "string" }, by: { type: "string" } },
  async run(ctx) {
    const by = ctx.values.by ?? "model";
    if (!isOneOf(groupings, by)) throw new UsageError(`--by ${by}: use model, agent or event`);
    const sinceText = ctx.values.since;
    const since = sinceText === undefined ? new Date(new Date().toISOString().slice(0, 10) + "T00:00:00.000Z") : new Date(sinceText);
    if (Number.isNaN(since.getTime())) throw new UsageError(`--since ${sinceText}: not a date (e.g. 2026-11-01)`);
    const sql = await openStoreSql(ctx.common, { create: false });
    try {
      const { usageSummary } = await import("../controller/store/usage-summary.js");
      const usage = await usageSummary(sql, since);
      if (ctx.common.json) {
        ctx.stdout(JSON.stringify(usage, null, 2) + "\n");
        return 0;
      }
      const rows = by === "model" ? usage.by_model : by === "agent" ? usage.by_agent : usage.by_event;
      const money = (r: { cost_usd: number; unpriced_calls: number }) => `$${r.cost_usd.toFixed(4)}${r.unpriced_calls ? ` (+${r.unpriced_calls} calls of unknown cost)` : ""}`;
      ctx.stdout(`since ${usage.since}\n`);
      for (const r of rows) {
        ctx.stdout(`${String(r[by] ?? "-").padEnd(28)} in ${r.input_tokens}  out ${r.output_tokens}  cache write ${r.cache_creation_input_tokens}  cache read ${r.cache_read_input_tokens}  ${money(r)}\n`);
      }
      const t = usage.total;
      ctx.stdout(`${"total".padEnd(28)} in ${t.input_tokens}  out ${t.output_tokens}  cache write ${t.cache_creation_input_tokens}  cache read ${t.cache_read_input_tokens}  ${money(t)}\n`);
      return 0;
    } finally {
      await sql.close();
    }
  },
});
