import { describe, expect } from "vitest";
import { claudeChat } from "../../controller/workers/executors/claude-chat.js";
import { backendTest, storeBackends } from "../support/store-backends.js";
import { context, failure, fakeApi, seedWorkspace, usageRows } from "./helpers.js";

// Both store backends (issue 16): the usage of a cut-off call is recorded through Sql.
describe.each(storeBackends)("on $name", (backend) => {
  const it = backendTest(backend, "test/llm/aborted-usage");

  describe("a model call aborted by the attempt's timeout", () => {
    it("records the usage the stream had reported, priced, so the daily budget counts it", async () => {
      const sql = await backend.open();
      await seedWorkspace(sql);
      const api = await fakeApi([{ text: "half of a long answer", usage: { input_tokens: 4000, output_tokens: 250 }, stall: true }]);
      const attempt = new AbortController();
      const run = claudeChat(await context(sql, { type: "claude_chat", agent: "writer", prompt: "Write at length" }, { api, runId: 3, signal: attempt.signal }));
      while (api.requests.length === 0) await new Promise((done) => setImmediate(done));
      await new Promise((done) => setTimeout(done, 100)); // the deltas reach the client
      attempt.abort(new Error("timed out after 1s"));
      expect((await failure(run)).code).toBe("timeout");
      const [row] = (await usageRows(sql));
      expect(row).toMatchObject({ run_id: 3, agent: "writer", model: "claude-sonnet-5-5", input_tokens: 4000, output_tokens: 250, price_table_date: "2026-11-01" });
      expect(row?.cost_usd).toBeGreaterThan(0);
    });
  });
});
