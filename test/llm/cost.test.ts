import { describe, expect, it } from "vitest";
import { cost, priceTableDate } from "../../controller/llm/cost.js";
import { recordUsage } from "../../controller/store/record-usage.js";
import { spendToday } from "../../controller/store/spend-today.js";
import { backendTest, storeBackends } from "../support/store-backends.js";

const tokens = { input_tokens: 1_000_000, output_tokens: 1_000_000, cache_creation_input_tokens: 1_000_000, cache_read_input_tokens: 1_000_000 };

describe("cost and spend", () => {
  it("prices all four token kinds from the dated table, and an unknown model as null", () => {
    expect(priceTableDate).toBe("2026-11-01");
    expect(cost("claude-haiku-4-5", tokens)).toBeCloseTo(1 + 5 + 1.25 + 0.1, 9);
    expect(cost("claude-unknown-1", tokens)).toBeNull();
    expect(cost("claude-haiku-4-5", { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 })).toBe(0);
  });

});

// Both store backends (issue 16): the daily budget's sum, over ISO text timestamps, in either dialect.
describe.each(storeBackends)("spend on $name", (backend) => {
  const it = backendTest(backend, "test/llm/cost");

  it("sums today's priced calls since UTC midnight only", async () => {
    const sql = await backend.open();
    const row = (costUsd: number | null, at: string): Promise<void> =>
      recordUsage(sql, { runId: 1, eventId: "e", agent: "a", model: "m", ...tokens, costUsd, priceTableDate: null }, new Date(at));
    await row(5, "2026-11-22T23:59:59.999Z");
    await row(1.5, "2026-11-23T00:00:00.000Z");
    await row(null, "2026-11-23T08:00:00.000Z");
    await row(2, "2026-11-23T12:00:00.000Z");
    expect(await spendToday(sql, new Date("2026-11-23T18:00:00Z"))).toBeCloseTo(3.5, 9);
    expect(await spendToday(sql, new Date("2026-11-24T00:00:01Z"))).toBe(0);
  });
});
