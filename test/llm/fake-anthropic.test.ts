import Anthropic from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { fakeApi } from "./helpers.js";

describe("fake Anthropic API", () => {
  it("answers JSON and streamed requests from its script with the usage it was given", async () => {
    const api = await fakeApi([
      { text: "plain", usage: { input_tokens: 4, output_tokens: 2, cache_creation_input_tokens: 7, cache_read_input_tokens: 9 } },
      { text: "streamed reply", usage: { input_tokens: 6, output_tokens: 3, cache_creation_input_tokens: 1, cache_read_input_tokens: 2 } },
    ]);
    const client = new Anthropic({ apiKey: "k", baseURL: api.url, maxRetries: 0, logLevel: "off" });
    const json = await client.messages.create({ model: "claude-haiku-5-5", max_tokens: 10, messages: [{ role: "user", content: "a" }] });
    expect(json.content).toEqual([{ type: "text", text: "plain" }]);
    expect(json.usage).toMatchObject({ input_tokens: 4, output_tokens: 2, cache_creation_input_tokens: 7, cache_read_input_tokens: 9 });
    const streamed = await client.messages.stream({ model: "claude-haiku-5-5", max_tokens: 10, messages: [{ role: "user", content: "b" }] }).finalMessage();
    expect(streamed.content).toMatchObject([{ type: "text", text: "streamed reply" }]);
    expect(streamed.usage).toMatchObject({ input_tokens: 6, output_tokens: 3, cache_creation_input_tokens: 1, cache_read_input_tokens: 2 });
    expect(api.requests.map((r) => r.body.stream ?? false)).toEqual([false, true]);
  });

  it("answers an error with an Anthropic-shaped body and a request id", async () => {
    const api = await fakeApi([{ status: 529 }]);
    const response = await fetch(`${api.url}/v1/messages`, { method: "POST", body: "{}" });
    expect(response.status).toBe(529);
    expect(response.headers.get("request-id")).toBe(api.requests[0]?.requestId);
    expect(await response.json()).toEqual({ type: "error", error: { type: "overloaded_error", message: "fake overloaded_error" } });
  });
});
