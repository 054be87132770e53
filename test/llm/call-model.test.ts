import { describe, expect, it } from "vitest";
import { callModel } from "../../controller/llm/call-model.js";
import { createModelClient } from "../../controller/llm/client.js";
import { ModelError } from "../../controller/llm/model-error.js";
import { apiKey, fakeApi } from "./helpers.js";

describe("callModel (llm/ alone, no store)", () => {
  it("returns the reply with its usage, cost and price table date for the caller to record", async () => {
    const api = await fakeApi([{ text: "ok", usage: { input_tokens: 1000, output_tokens: 10, cache_read_input_tokens: 5 } }]);
    const env = { ANTHROPIC_API_KEY: apiKey, ANTHROPIC_BASE_URL: api.url };
    const reply = await callModel(createModelClient(env), { model: "claude-sonnet-5-5", maxTokens: 100, system: "", messages: [{ role: "user", content: "hi" }] }, { env });
    expect(reply).toMatchObject({
      text: "ok",
      usage: { input_tokens: 1000, output_tokens: 10, cache_creation_input_tokens: 0, cache_read_input_tokens: 5 },
      priceTableDate: "2026-11-01",
    });
    expect(reply.costUsd).toBeGreaterThan(0);
    expect(api.requests[0]?.body).not.toHaveProperty("system");
  });

  it("an aborted call carries what the stream had reported (message_start, message_delta), priced, so the budget counts it", async () => {
    const api = await fakeApi([{ text: "a long answer cut off", usage: { input_tokens: 2000, output_tokens: 300, cache_read_input_tokens: 7 }, stall: true }]);
    const env = { ANTHROPIC_API_KEY: apiKey, ANTHROPIC_BASE_URL: api.url };
    const abort = new AbortController();
    const call = callModel(createModelClient(env), { model: "claude-sonnet-5-5", maxTokens: 1000, system: "", messages: [{ role: "user", content: "hi" }] }, { env, signal: abort.signal });
    // Abort once the deltas reached the client: the fake answered and is holding the stream open.
    while (api.requests.length === 0) await new Promise((done) => setImmediate(done));
    await new Promise((done) => setTimeout(done, 100));
    abort.abort(new Error("attempt timed out"));
    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect(error).toMatchObject({ code: "timeout", spent: { usage: { input_tokens: 2000, output_tokens: 300, cache_read_input_tokens: 7 }, priceTableDate: "2026-11-01" } });
    expect(error instanceof ModelError ? error.spent?.costUsd : 0).toBeGreaterThan(0);
  });

  it("fails with its own ModelError (code, key masked), which the worker maps to a run error", async () => {
    expect(() => createModelClient({})).toThrow(ModelError);
    const api = await fakeApi([{ status: 400, message: `bad key ${apiKey}` }]);
    const env = { ANTHROPIC_API_KEY: apiKey, ANTHROPIC_BASE_URL: api.url, NEXAAS_MODEL_MAX_RETRIES: "0" };
    const error = await callModel(createModelClient(env), { model: "claude-unknown-1", maxTokens: 10, system: "s", messages: [{ role: "user", content: "hi" }] }, { env }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect(error).toMatchObject({ code: "model-error" });
    expect(String(error)).not.toContain(apiKey);
  });
});
