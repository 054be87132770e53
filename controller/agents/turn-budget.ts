import type { MessageParam, Tool } from "@anthropic-ai/sdk/resources/messages";
import { tokenPrices } from "../llm/call-model.js";
import { AgentError } from "./agent-error.js";
import type { RunLedger } from "./run-ledger.js";

/**
 * JSON holds about 3.5 characters per token; counting 3 overestimates the
 * input a little, so the budget errs on the side of stopping early. (The
 * token-counting endpoint would be exact, at the cost of a request per turn.)
 */
const charsPerToken = 3;

/**
 * The max_tokens the next call may ask for under the run's `max_cost_usd`: what
 * the money left buys at the model's output price, after the input (estimated
 * from the request's size). A call can then never pass the limit, give or take
 * the estimate. Returns "budget" when not even one output token is affordable.
 */
export function affordableMaxTokens(
  model: string,
  maxTokens: number,
  request: { system: string; messages: MessageParam[]; tools: Tool[] },
  ledger: RunLedger,
): number | "budget" {
  if (ledger.maxCostUsd === undefined) return maxTokens;
  const prices = tokenPrices(model);
  if (!prices) {
    throw new AgentError(`max_cost_usd is set but model ${model} has no price in controller/llm/prices.json, so the limit cannot be kept`, "budget");
  }
  const inputTokens = Math.ceil(JSON.stringify(request).length / charsPerToken);
  const left = ledger.maxCostUsd - ledger.spentUsd - inputTokens * prices.input;
  const affordable = Math.floor(left / prices.output);
  return affordable < 1 ? "budget" : Math.min(maxTokens, affordable);
}
