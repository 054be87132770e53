import { describe, expect } from "vitest";
import { claudeChat } from "../../controller/workers/executors/claude-chat.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import { backendTest, storeBackends } from "../support/store-backends.js";
import { apiKey, context, define, failure, fakeApi, seedWorkspace, usageRows } from "./helpers.js";

/** The store's tables: SQLite's own catalogue, or PostgreSQL's (the schema the migrations made). */
const tableNames = async (sql: Sql): Promise<string[]> =>
  (
    await sql.all<{ name: string }>(
      sql.dialect === "sqlite"
        ? "SELECT name FROM sqlite_master WHERE type = 'table'"
        : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
    )
  ).map((t) => t.name);

// Both store backends (issue 16): definitions, usage, sessions and the daily budget through Sql.
describe.each(storeBackends)("on $name", (backend) => {
  const it = backendTest(backend, "test/llm/claude-chat");

  describe("claude_chat executor", () => {
    it("sends prompt.md as system with the agent's model and max_tokens, and records exact usage with its cost", async () => {
      const sql = await backend.open();
      await seedWorkspace(sql);
      const api = await fakeApi([
        { text: "Three tickets closed.", usage: { input_tokens: 1200, output_tokens: 80, cache_creation_input_tokens: 300, cache_read_input_tokens: 4000 } },
      ]);
      const { output } = await claudeChat(await context(sql, { type: "claude_chat", agent: "writer", prompt: "Summarise yesterday" }, { api, runId: 7 }));
      expect(output).toBe("Three tickets closed.");
      const [request] = api.requests;
      expect(api.requests).toHaveLength(1);
      expect(request?.path).toBe("/v1/messages");
      expect(request?.body).toMatchObject({
        model: "claude-sonnet-5-5",
        max_tokens: 2048,
        system: "You are the writer. Be brief.\n",
        messages: [{ role: "user", content: "Summarise yesterday" }],
      });
      expect(request?.headers.authorization ?? request?.headers["x-api-key"]).toBe("[redacted]");
      const [row] = (await usageRows(sql));
      expect(row).toMatchObject({
        run_id: 7,
        event_id: "digest",
        agent: "writer",
        model: "claude-sonnet-5-5",
        input_tokens: 1200,
        output_tokens: 80,
        cache_creation_input_tokens: 300,
        cache_read_input_tokens: 4000,
        price_table_date: "2026-11-01",
      });
      // 1200 × 3 + 80 × 15 + 300 × 3.75 + 4000 × 0.30, per million
      expect(row?.cost_usd).toBeCloseTo(0.007125, 9);
    });

    it("falls back to the event's agent, then to the workspace defaults for model and max_tokens", async () => {
      const sql = await backend.open();
      await seedWorkspace(sql);
      const api = await fakeApi([{ text: "a" }, { text: "b" }]);
      await claudeChat({ ...(await context(sql, { type: "claude_chat", prompt: "hi" }, { api })), defaultAgent: "writer" });
      await claudeChat(await context(sql, { type: "claude_chat", messages: [{ role: "user", content: "hello" }] }, { api }));
      expect(api.requests[0]?.body).toMatchObject({ model: "claude-sonnet-5-5", system: "You are the writer. Be brief.\n" });
      expect(api.requests[1]?.body).toMatchObject({ model: "claude-haiku-5-5", max_tokens: 1000, system: "You are plain.\n", messages: [{ role: "user", content: "hello" }] });
      expect((await usageRows(sql)).map((r) => r.agent)).toEqual(["writer", "plain"]);
    });

    it("records an unknown model's call with cost null, not 0", async () => {
      const sql = await backend.open();
      await seedWorkspace(sql);
      const api = await fakeApi([{ text: "ok", usage: { input_tokens: 5, output_tokens: 2 } }]);
      await claudeChat(await context(sql, { type: "claude_chat", agent: "writer", prompt: "hi" }, { api }));
      await define(sql, "agent", "plain", { name: "plain", model: "claude-imaginary-9", prompt: "You are plain.\n" });
      api.push({ text: "ok", usage: { input_tokens: 5, output_tokens: 2 } });
      await claudeChat(await context(sql, { type: "claude_chat", prompt: "hi" }, { api }));
      const rows = (await usageRows(sql));
      expect(rows[1]).toMatchObject({ model: "claude-imaginary-9", input_tokens: 5, output_tokens: 2, cost_usd: null, price_table_date: null });
      expect(rows[0]?.cost_usd).toBeGreaterThan(0);
    });

    it("continues a session across two runs, storing each user turn and reply", async () => {
      const sql = await backend.open();
      await seedWorkspace(sql);
      const api = await fakeApi([{ text: "Nice to meet you, Ada." }, { text: "Your name is Ada." }]);
      await claudeChat(await context(sql, { type: "claude_chat", agent: "writer", session: "standup", prompt: "I am Ada." }, { api, runId: 1 }));
      const { output } = await claudeChat(await context(sql, { type: "claude_chat", agent: "writer", session: "standup", prompt: "What is my name?" }, { api, runId: 2 }));
      expect(output).toBe("Your name is Ada.");
      expect(api.requests[1]?.body.messages).toEqual([
        { role: "user", content: "I am Ada." },
        { role: "assistant", content: "Nice to meet you, Ada." },
        { role: "user", content: "What is my name?" },
      ]);
      const stored = await sql.all("SELECT m.run_id, m.role, m.content FROM chat_messages m JOIN chat_sessions s ON s.id = m.session_id WHERE s.session_key = 'standup' ORDER BY m.id");
      expect(stored).toEqual([
        { run_id: 1, role: "user", content: "I am Ada." },
        { run_id: 1, role: "assistant", content: "Nice to meet you, Ada." },
        { run_id: 2, role: "user", content: "What is my name?" },
        { run_id: 2, role: "assistant", content: "Your name is Ada." },
      ]);
    });

    it("lets the SDK retry a 429, then succeeds and records one usage row", async () => {
      const sql = await backend.open();
      await seedWorkspace(sql);
      const api = await fakeApi([{ status: 429 }, { status: 529 }, { text: "finally", usage: { input_tokens: 3, output_tokens: 1 } }]);
      const { output } = await claudeChat(await context(sql, { type: "claude_chat", prompt: "hi" }, { api }));
      expect(output).toBe("finally");
      expect(api.requests).toHaveLength(3);
      expect((await usageRows(sql))).toHaveLength(1);
    });

    it("fails with model-error, status, type and request id when 500 persists after the retries", async () => {
      const sql = await backend.open();
      await seedWorkspace(sql);
      const api = await fakeApi([{ status: 500 }, { status: 500 }, { status: 500, message: "internal trouble" }]);
      const error = await failure(claudeChat(await context(sql, { type: "claude_chat", prompt: "hi" }, { api })));
      expect(api.requests).toHaveLength(3); // first try + NEXAAS_MODEL_MAX_RETRIES=2
      expect(error.code).toBe("model-error");
      expect(error.message).toContain("status 500");
      expect(error.message).toContain("api_error");
      expect(error.message).toContain(api.requests[2]?.requestId);
      expect(error.message).toContain("internal trouble");
      expect(error.message).not.toContain(apiKey);
      expect((await usageRows(sql))).toHaveLength(0);
    });

    it("fails with no-api-key without sending anything when the key is missing", async () => {
      const sql = await backend.open();
      await seedWorkspace(sql);
      const api = await fakeApi([{ text: "never" }]);
      const error = await failure(claudeChat(await context(sql, { type: "claude_chat", prompt: "hi" }, { api, env: { ANTHROPIC_BASE_URL: api.url } })));
      expect(error.code).toBe("no-api-key");
      expect(error.message).toContain("ANTHROPIC_API_KEY");
      expect(api.requests).toHaveLength(0);
    });

    it("fails with budget, without a request, once today's spend reaches budget.daily_usd", async () => {
      const sql = await backend.open();
      await seedWorkspace(sql, { budget: { daily_usd: 0.01 } });
      const api = await fakeApi([{ text: "expensive", usage: { input_tokens: 2000, output_tokens: 1000 } }, { text: "never" }]);
      await claudeChat(await context(sql, { type: "claude_chat", agent: "writer", prompt: "one" }, { api })); // $0.021
      const error = await failure(claudeChat(await context(sql, { type: "claude_chat", agent: "writer", prompt: "two" }, { api })));
      expect(error.code).toBe("budget");
      expect(error.message).toMatch(/daily budget reached/);
      expect(api.requests).toHaveLength(1);
    });

    it("fails clearly when no agent can be found, before any request", async () => {
      const sql = await backend.open();
      await seedWorkspace(sql, { defaults: { model: "claude-haiku-5-5" } });
      const api = await fakeApi();
      expect((await failure(claudeChat(await context(sql, { type: "claude_chat", prompt: "hi" }, { api })))).code).toBe("no-agent");
      expect((await failure(claudeChat(await context(sql, { type: "claude_chat", agent: "ghost", prompt: "hi" }, { api })))).code).toBe("unknown-agent");
      expect(api.requests).toHaveLength(0);
    });

    it("passes the attempt's signal: an abort cancels the request", async () => {
      const sql = await backend.open();
      await seedWorkspace(sql);
      const api = await fakeApi([{ status: 529, retryAfterMs: 5000 }]);
      const controller = new AbortController();
      const pending = failure(claudeChat(await context(sql, { type: "claude_chat", prompt: "hi" }, { api, signal: controller.signal })));
      await api.received(1); // answered 529 with retry-after 5 s: the SDK is waiting to retry
      controller.abort();
      expect((await pending).code).toBe("timeout");
    });

    it("never stores the key in any row", async () => {
      const sql = await backend.open();
      await seedWorkspace(sql);
      const api = await fakeApi([{ text: "ok" }, { status: 500 }, { status: 500 }, { status: 500 }]);
      await claudeChat(await context(sql, { type: "claude_chat", session: "s", prompt: "hi" }, { api }));
      await failure(claudeChat(await context(sql, { type: "claude_chat", session: "s", prompt: "again" }, { api })));
      const tables = await tableNames(sql);
      expect(tables).toContain("chat_messages");
      for (const table of tables) {
        const dump = JSON.stringify(await sql.all(`SELECT * FROM "${table}"`));
        expect(dump, table).not.toContain(apiKey);
      }
      expect(JSON.stringify(api.requests)).not.toContain(apiKey);
    });
  });
});
