// The API reads and writes the store it is given as `sql` (issue 16): here a PostgreSQL one.
import { expect, it } from "vitest";
import { hashApiToken, newApiToken } from "../../controller/api/api-token.js";
import { buildServer } from "../../controller/api/build-server.js";
import type { Clock } from "../../controller/clock.js";
import { createApiToken } from "../../controller/store/create-api-token.js";
import { openPostgres } from "../../controller/store/open-postgres.js";
import { describePostgres, postgresDatabase } from "../support/postgres.js";

const now = new Date("2026-11-23T10:00:00.000Z");

describePostgres("the API over a PostgreSQL store", () => {
  it("lists runs, revisions and usage from PostgreSQL, and signs in a named token kept there", async () => {
    const sql = await openPostgres(await postgresDatabase());
    const app = await buildServer({ sql, apiKey: "k-admin", env: {}, clock: { now: () => now } as Clock });
    try {
      for (const [scheduled, status] of [
        ["2026-11-23T08:00:00.000Z", "success"],
        ["2026-11-23T09:00:00.000Z", "failed"],
      ]) {
        await sql.run("INSERT INTO event_runs (event_id, scheduled_for, status, created_at) VALUES ('daily', ?, ?, ?)", [scheduled, status, scheduled]);
      }
      await sql.run("INSERT INTO reconcile_history (revision, result, at) VALUES ('abc', 'applied', '2026-11-23T07:00:00.000Z')");
      await sql.run("INSERT INTO token_usage (model, input_tokens, output_tokens, cost_usd, created_at) VALUES ('claude-a', 10, 5, 0.125, '2026-11-23T09:30:00.000Z')");
      const token = newApiToken();
      await createApiToken(sql, { name: "dashboard", tokenHash: hashApiToken(token), createdAt: now, expiresAt: null });

      const get = (url: string, bearer = "k-admin") => app.inject({ url, headers: { authorization: `Bearer ${bearer}` } });
      const runs = (await get("/api/runs?status=failed")).json<{ runs: { event_id: string; status: string }[]; next_before: number | null }>();
      expect(runs).toEqual({ runs: [expect.objectContaining({ event_id: "daily", status: "failed" })], next_before: null });
      expect((await get("/api/revisions")).json()).toMatchObject({ revisions: [{ revision: "abc", result: "applied" }] });
      expect((await get("/api/usage")).json()).toMatchObject({ total: { input_tokens: 10, output_tokens: 5, cost_usd: 0.125, unpriced_calls: 0 } });
      // The named token is found in PostgreSQL, and its use noted there.
      expect((await get("/api/runs", token)).statusCode).toBe(200);
      expect(await sql.get("SELECT last_used_at FROM api_tokens WHERE name = 'dashboard'")).toEqual({ last_used_at: now.toISOString() });
      expect((await get("/api/runs", "nxs_not-a-token")).statusCode).toBe(403);
    } finally {
      await app.close();
      await sql.close();
    }
  });
});
