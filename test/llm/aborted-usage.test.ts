import { describe, expect, it } from "vitest";
import { claudeChat } from "../../controller/workers/executors/claude-chat.js";
import { context, failure, fakeApi, freshDb, seedWorkspace, usageRows } from "./helpers.js";

describe("a model call aborted by the attempt's timeout", () => {
  it("records the usage the stream had reported, priced, so the daily budget counts it", async () => {
    const db = freshDb();
    seedWorkspace(db);
    const api = await fakeApi([{ text: "half of a long answer", usage: { input_tokens: 4000, output_tokens: 250 }, stall: true }]);
    const attempt = new AbortController();
    const run = claudeChat(context(db, { type: "claude_chat", agent: "writer", prompt: "Write at length" }, { api, runId: 3, signal: attempt.signal }));
    while (api.requests.length === 0) await new Promise((done) => setImmediate(done));
    await new Promise((done) => setTimeout(done, 100)); // the deltas reach the client
    attempt.abort(new Error("timed out after 1s"));
    expect((await failure(run)).code).toBe("timeout");
    const [row] = usageRows(db);
    expect(row).toMatchObject({ run_id: 3, agent: "writer", model: "claude-sonnet-5-5", input_tokens: 4000, output_tokens: 250, price_table_date: "2026-11-01" });
    expect(row?.cost_usd).toBeGreaterThan(0);
  });
});
