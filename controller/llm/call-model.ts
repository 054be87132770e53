import type Anthropic from "@anthropic-ai/sdk";
import type { MessageStream } from "@anthropic-ai/sdk/lib/MessageStream";
import type { ContentBlock, Message, MessageParam, StopReason, Tool, Usage } from "@anthropic-ai/sdk/resources/messages";
import type { TokenCounts } from "../definitions/token-counts.js";
import { modelError } from "./client.js";
import type { ModelUsage } from "./model-error.js";
import { cost, priceTableDate } from "./cost.js";

/** One Messages API request. */
export interface ModelRequest {
  model: string;
  maxTokens: number;
  /** Sent as `system` when not empty. */
  system: string;
  messages: MessageParam[];
  /** Offered tools; none sends no `tools` field. */
  tools?: Tool[];
}

/** The reply's text and what it cost; the caller records the usage (llm/ writes nothing). */
export interface ModelReply extends ModelUsage {
  /** The text blocks joined. */
  text: string;
  /** Every block, tool_use included, to send back as the assistant's turn. */
  content: ContentBlock[];
  stopReason: StopReason | null;
}

/**
 * One Messages API call: streamed, so a large max_tokens never hits the SDK's
 * non-streaming limit, and cancelled by `signal`. Failures are ModelErrors with
 * the key masked (`env` holds it). Returns the reply text with its exact usage.
 */
export async function callModel(client: Anthropic, request: ModelRequest, options: { env: NodeJS.ProcessEnv; signal?: AbortSignal }): Promise<ModelReply> {
  let message: Message;
  let stream: MessageStream | undefined;
  try {
    stream = client.messages.stream(
      { model: request.model, max_tokens: request.maxTokens, ...(request.system ? { system: request.system } : {}),
        ...(request.tools && request.tools.length > 0 ? { tools: request.tools } : {}),
        messages: request.messages,
      },
      options.signal ? { signal: options.signal } : {},
    );
    message = await stream.finalMessage();
  } catch (error) {
    const failure = modelError(error, options.env, options.signal);
    // What message_start and message_delta had reported before the cut: billed, so counted.
    const partial = stream?.currentMessage?.usage;
    if (partial) failure.spent = priced(request.model, partial);
    throw failure;
  }
  return {
    text: message.content.map((block) => (block.type === "text" ? block.text : "")).join(""),
    content: message.content,
    stopReason: message.stop_reason,
    ...priced(request.model, message.usage),
  };
}

/** The price of one token of each kind, in USD, or null for a model the table lacks (agents/ budgets a run with it). */
export function tokenPrices(model: string): { input: number; output: number } | null {
  const one = { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  const input = cost(model, { ...one, input_tokens: 1 });
  const output = cost(model, { ...one, output_tokens: 1 });
  return input === null || output === null ? null : { input, output };
}

/** Token counts as the API reports them, priced under the id the workspace asked for (the table's keys), not a snapshot id the API may answer with. */
function priced(model: string, reported: Usage): ModelUsage {
  const usage: TokenCounts = {
    input_tokens: reported.input_tokens,
    output_tokens: reported.output_tokens,
    cache_creation_input_tokens: reported.cache_creation_input_tokens ?? 0,
    cache_read_input_tokens: reported.cache_read_input_tokens ?? 0,
  };
  const costUsd = cost(model, usage);
  return { usage, costUsd, priceTableDate: costUsd === null ? null : priceTableDate };
}
