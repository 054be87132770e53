// /api/usage rows turned into chart series. Pure, so it is unit-tested.
import type { Usage, UsageTotals } from "./api.js";

export interface Series {
  /** Unix seconds (per day) or category indices. */
  x: number[];
  /** Category names, when x holds indices. */
  labels: string[];
  /** Input plus output tokens. */
  tokens: number[];
  cost: number[];
}

const dayMs = 86_400_000;
const tokensOf = (row: UsageTotals): number => row.input_tokens + row.output_tokens;

/** The UTC midnight `days - 1` days before `now`: the start of a range of `days` days that ends today. */
export function rangeStart(days: number, now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (days - 1) * dayMs);
}

/** One point per UTC day from `since` to `now`, zero where the API has no row. */
export function daySeries(rows: readonly (UsageTotals & { day: string | null })[], since: Date, now: Date): Series {
  const byDay = new Map(rows.flatMap((r) => (r.day === null ? [] : [[r.day, r] as const])));
  const series: Series = { x: [], labels: [], tokens: [], cost: [] };
  for (let t = rangeStart(1, since).getTime(); t <= now.getTime(); t += dayMs) {
    const day = new Date(t).toISOString().slice(0, 10);
    const row = byDay.get(day);
    series.x.push(t / 1000);
    series.labels.push(day);
    series.tokens.push(row ? tokensOf(row) : 0);
    series.cost.push(row?.cost_usd ?? 0);
  }
  return series;
}

export type NamedTotals = UsageTotals & { name: string };

/** The model, agent and event breakdowns with one `name` key (null, for usage outside any agent or event, reads "none"). */
export function breakdowns(usage: Usage): Record<"model" | "agent" | "event", NamedTotals[]> {
  return {
    model: usage.by_model.map((r) => ({ ...r, name: r.model ?? "none" })),
    agent: usage.by_agent.map((r) => ({ ...r, name: r.agent ?? "none" })),
    event: usage.by_event.map((r) => ({ ...r, name: r.event ?? "none" })),
  };
}

/** The `top` rows by cost (the API sorts them so), as categories. */
export function categorySeries(rows: readonly NamedTotals[], top = 12): Series {
  const shown = rows.slice(0, top);
  return {
    x: shown.map((_, i) => i),
    labels: shown.map((r) => r.name),
    tokens: shown.map(tokensOf),
    cost: shown.map((r) => r.cost_usd),
  };
}
