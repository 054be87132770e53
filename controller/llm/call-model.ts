import type Anthropic from "@anthropic-ai/sdk";
import type { MessageParam } from "@anthropic-ai/sdk/resources/messages";
import type { TokenCounts } from "../definitions/token-counts.js";
import { modelError } from "./client.js";
import { cost, priceTableDate } from "./cost.js";

/** One Messages API request. */
export interface ModelRequest {
  model: string;
  maxTokens: number;
  /** Sent as `system` when not empty. */
  system: string;
  messages: MessageParam[];
}

/** The reply's text and what it cost; the caller records the usage (llm/ writes nothing). */
export interface ModelReply {
  text: string;
  usage: TokenCounts;
  /** USD, priced under the model id asked for; null when the price table has no such model (never a guessed 0). */
  costUsd: number | null;
  /** The date of the price table when priced, else null. */
  priceTableDate: string | null;
}

/**
 * One Messages API call: streamed, so a large max_tokens never hits the SDK's
 * non-streaming limit, and cancelled by `signal`. Failures are ModelErrors with
 * the key masked (`env` holds it). Returns the reply text with its exact usage.
 */
export async function callModel(client: Anthropic, request: ModelRequest, options: { env: NodeJS.ProcessEnv; signal?: AbortSignal }): Promise<ModelReply> {
  let message;
  try {
    const stream = client.messages.stream(
      { model: request.model, max_tokens: request.maxTokens, ...(request.system ? { system: request.system } : {}), messages: request.messages },
      options.signal ? { signal: options.signal } : {},
    );
    message = await stream.finalMessage();
  } catch (error) {
    throw modelError(error, options.env, options.signal);
  }
  const usage: TokenCounts = {
    input_tokens: message.usage.input_tokens,
    output_tokens: message.usage.output_tokens,
    cache_creation_input_tokens: message.usage.cache_creation_input_tokens ?? 0,
    cache_read_input_tokens: message.usage.cache_read_input_tokens ?? 0,
  };
  // Priced under the id the workspace asked for (the table's keys), not a snapshot id the API may answer with.
  const costUsd = cost(request.model, usage);
  return {
    text: message.content.map((block) => (block.type === "text" ? block.text : "")).join(""),
    usage,
    costUsd,
    priceTableDate: costUsd === null ? null : priceTableDate,
  };
}
