import { describe, expect } from "vitest";
import { appendChatMessages, chatSessionId, readChatMessages } from "../../controller/store/chat-session.js";
import { recordUsage } from "../../controller/store/record-usage.js";
import { setRunStopReason } from "../../controller/store/run-stop-reason.js";
import { backends, testOn } from "./backends.js";

const now = new Date("2026-11-23T09:00:00.000Z");

describe.each(backends)("what a model call writes, on $name", ({ missing, open }) => {
  const it = testOn(missing);

  it("keeps a session's messages in order, text and blocks, under one id per key", async () => {
    const sql = await open();
    const id = await chatSessionId(sql, "session:ops", { agent: "ops", eventId: "daily" }, now);
    expect(await chatSessionId(sql, "session:ops", { agent: "other", eventId: null }, now)).toBe(id);
    expect(await chatSessionId(sql, "session:other", { agent: null, eventId: null }, now)).not.toBe(id);
    await appendChatMessages(sql, id, null, [{ role: "user", content: "hello" }], now);
    const blocks = [
      { type: "text" as const, text: "looking" },
      { type: "tool_use" as const, id: "t1", name: "search", input: { q: "x" } },
    ];
    await appendChatMessages(sql, id, null, [{ role: "assistant", content: blocks }], new Date(now.getTime() + 1000));
    expect(await readChatMessages(sql, id)).toEqual([
      { role: "user", content: "hello" },
      { role: "assistant", content: blocks },
    ]);
    expect(await sql.all("SELECT content FROM chat_messages ORDER BY id")).toEqual([{ content: "hello" }, { content: "looking\n[tool_use search]" }]);
  });

  it("records a call's tokens and cost (null when unpriced), and the run's stop reason", async () => {
    const sql = await open();
    const run = await sql.get<{ id: number }>(
      "INSERT INTO event_runs (event_id, scheduled_for, status, created_at) VALUES ('daily', ?, 'running', ?) RETURNING id",
      [now.toISOString(), now.toISOString()],
    );
    const tokens = { input_tokens: 100, output_tokens: 20, cache_creation_input_tokens: 5, cache_read_input_tokens: 7 };
    await recordUsage(sql, { runId: run?.id ?? null, eventId: "daily", agent: "ops", model: "m", ...tokens, costUsd: 0.25, priceTableDate: "2026-11-01" }, now);
    await recordUsage(sql, { runId: null, eventId: null, agent: null, model: "unpriced", ...tokens, costUsd: null, priceTableDate: null }, now);
    expect(await sql.all("SELECT model, input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens, cost_usd, created_at FROM token_usage ORDER BY id")).toEqual([
      { model: "m", ...tokens, cost_usd: 0.25, created_at: now.toISOString() },
      { model: "unpriced", ...tokens, cost_usd: null, created_at: now.toISOString() },
    ]);
    await setRunStopReason(sql, run?.id ?? 0, "max_turns");
    expect(await sql.get("SELECT stop_reason FROM event_runs")).toEqual({ stop_reason: "max_turns" });
  });
});
