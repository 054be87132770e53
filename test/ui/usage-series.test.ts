import { describe, expect, it } from "vitest";
import type { Usage, UsageTotals } from "../../ui/src/api.js";
import { breakdowns, categorySeries, daySeries, rangeStart } from "../../ui/src/usage-series.js";

const totals = (input: number, output: number, cost: number): UsageTotals => ({
  input_tokens: input,
  output_tokens: output,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
  cost_usd: cost,
  unpriced_calls: 0,
});

describe("usage chart series", () => {
  const now = new Date("2026-11-23T15:30:00Z");

  it("starts a range of N days at a UTC midnight, ending today", () => {
    expect(rangeStart(7, now).toISOString()).toBe("2026-11-17T00:00:00.000Z");
    expect(rangeStart(1, now).toISOString()).toBe("2026-11-23T00:00:00.000Z");
  });

  it("has one point per UTC day, zero on days without usage", () => {
    const series = daySeries([{ day: "2026-11-21", ...totals(100, 20, 0.5) }], rangeStart(3, now), now);
    expect(series.labels).toEqual(["2026-11-21", "2026-11-22", "2026-11-23"]);
    expect(series.x).toEqual([Date.UTC(2026, 10, 21) / 1000, Date.UTC(2026, 10, 22) / 1000, Date.UTC(2026, 10, 23) / 1000]);
    expect(series.tokens).toEqual([120, 0, 0]);
    expect(series.cost).toEqual([0.5, 0, 0]);
  });

  it("names each breakdown row, null as none, and charts the top rows by cost", () => {
    const usage: Usage = {
      since: "2026-11-01T00:00:00.000Z",
      until: null,
      total: totals(0, 0, 0),
      by_model: [{ model: "claude-haiku-4-5", ...totals(10, 1, 0.2) }],
      by_agent: [{ agent: null, ...totals(5, 5, 0.1) }],
      by_event: [
        { event: "a", ...totals(1, 1, 3) },
        { event: "b", ...totals(2, 2, 2) },
        { event: "c", ...totals(3, 3, 1) },
      ],
      by_day: [],
    };
    const named = breakdowns(usage);
    expect(named.agent[0]?.name).toBe("none");
    expect(categorySeries(named.event, 2)).toEqual({ x: [0, 1], labels: ["a", "b"], tokens: [2, 4], cost: [3, 2] });
    expect(categorySeries(named.model).labels).toEqual(["claude-haiku-4-5"]);
  });
});
