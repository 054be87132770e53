import type { MessageParam } from "@anthropic-ai/sdk/resources/messages";
import { recordUsage } from "../store/record-usage.js";
import { spendToday } from "../store/spend-today.js";
import { ExecutionError, type ExecutionContext } from "../workers/executor.js";
import { createModelClient, modelError } from "./client.js";
import type { TokenCounts } from "../definitions/token-counts.js";
import { cost, priceTableDate } from "./cost.js";
import type { ModelSettings } from "../workers/model-settings.js";

/**
 * One Messages API call for a run: budget first, then the request (streamed,
 * so a large max_tokens never hits the SDK's non-streaming limit; cancelled by
 * the attempt's signal), then the exact usage recorded. Returns the reply text.
 */
export async function callModel(ctx: ExecutionContext, settings: ModelSettings, messages: MessageParam[]): Promise<string> {
  const client = createModelClient(ctx.env);
  if (settings.dailyBudgetUsd !== undefined) {
    const spent = spendToday(ctx.db, ctx.clock.now());
    if (spent >= settings.dailyBudgetUsd) {
      throw new ExecutionError(
        `daily budget reached: $${spent.toFixed(4)} spent today (UTC) of budget.daily_usd $${settings.dailyBudgetUsd}; claude actions resume tomorrow or when the budget is raised`,
        "budget",
      );
    }
  }
  let message;
  try {
    const stream = client.messages.stream(
      { model: settings.model, max_tokens: settings.maxTokens, ...(settings.system ? { system: settings.system } : {}), messages },
      { signal: ctx.signal },
    );
    message = await stream.finalMessage();
  } catch (error) {
    throw modelError(error, ctx.env, ctx.signal);
  }
  const usage: TokenCounts = {
    input_tokens: message.usage.input_tokens,
    output_tokens: message.usage.output_tokens,
    cache_creation_input_tokens: message.usage.cache_creation_input_tokens ?? 0,
    cache_read_input_tokens: message.usage.cache_read_input_tokens ?? 0,
  };
  // Priced and recorded under the id the workspace asked for (the table's keys), not a snapshot id the API may answer with.
  const costUsd = cost(settings.model, usage);
  if (costUsd === null) {
    ctx.log.warn({ model: settings.model, runId: ctx.runId, eventId: ctx.eventId }, "model has no price in controller/llm/prices.json: cost recorded as null");
  }
  recordUsage(
    ctx.db,
    {
      runId: ctx.runId,
      eventId: ctx.eventId,
      agent: settings.agent,
      model: settings.model,
      ...usage,
      costUsd,
      priceTableDate: costUsd === null ? null : priceTableDate,
    },
    ctx.clock.now(),
  );
  return message.content.map((block) => (block.type === "text" ? block.text : "")).join("");
}
