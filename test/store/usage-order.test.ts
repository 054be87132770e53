// usageBetween's groups in one order on every store (issue 16): by cost, then equal costs by name
// bytewise with no name first, as SQLite orders them. PostgreSQL puts NULL last and sorts text by
// the database's collation, which on a production server is often a language's (en_US): both are
// checked, the second on a database with ICU's en-US collation.
import { describe, expect, it } from "vitest";
import { openPostgres } from "../../controller/store/open-postgres.js";
import { recordUsage } from "../../controller/store/record-usage.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import { usageBetween } from "../../controller/store/usage-between.js";
import { backendTest, storeBackends, track } from "../support/store-backends.js";
import { postgresDatabase } from "../support/postgres.js";

const postgres = storeBackends.find((b) => b.name === "postgres");
if (!postgres) throw new Error("storeBackends has no postgres");
const stores = [
  ...storeBackends,
  { name: "postgres (en-US collation)", missing: postgres.missing, open: async (): Promise<Sql> => track(await openPostgres(await postgresDatabase({ icuLocale: "en-US" }))) },
];

const tokens = { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };

async function use(sql: Sql, model: string, agent: string | null, eventId: string | null, costUsd: number | null): Promise<void> {
  await recordUsage(sql, { runId: null, eventId, agent, model, ...tokens, costUsd, priceTableDate: null }, new Date("2026-11-23T10:00:00.000Z"));
}

describe.each(stores)("usageBetween's order on $name", (backend) => {
  const test = backendTest(backend, "test/store/usage-order");

  test("equal costs: no name first, then names bytewise (upper case before lower)", async () => {
    const sql = await backend.open();
    await use(sql, "alpha-model", "alpha", "alpha", 0.1);
    await use(sql, "Zeta-model", "Zeta", "Zeta", 0.1);
    await use(sql, "unpriced", null, null, null);
    await use(sql, "b-model", "b", "b", null);
    await use(sql, "top", "top", "top", 0.5);
    const usage = await usageBetween(sql, new Date("2026-11-23T00:00:00.000Z"), null);
    expect(usage.by_model.map((g) => g.model)).toEqual(["top", "Zeta-model", "alpha-model", "b-model", "unpriced"]);
    expect(usage.by_agent.map((g) => g.agent)).toEqual(["top", "Zeta", "alpha", null, "b"]);
    expect(usage.by_event.map((g) => g.event)).toEqual(["top", "Zeta", "alpha", null, "b"]);
  });
});

it("lists the stores", () => expect(stores.map((s) => s.name)).toEqual(["sqlite", "postgres", "postgres (en-US collation)"]));
