import type { MessageParam } from "@anthropic-ai/sdk/resources/messages";
import { callModel } from "../llm/call-model.js";
import { createModelClient } from "../llm/client.js";
import { ModelError, type ModelUsage } from "../llm/model-error.js";
import { recordUsage } from "../store/record-usage.js";
import { spendToday } from "../store/spend-today.js";
import { ExecutionError, type ExecutionContext } from "./executor.js";
import type { ModelSettings } from "./model-settings.js";

/**
 * One model call of a run: the client (a missing key fails first), then the
 * daily budget, then the call through llm/, whose usage is recorded here
 * against the run: llm/ returns usage and never writes (SPEC §1). Returns the
 * reply text; a failed call is an ExecutionError with llm's code.
 */
export async function modelCallForRun(ctx: ExecutionContext, settings: ModelSettings, messages: MessageParam[]): Promise<string> {
  try {
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
    const reply = await callModel(client, { model: settings.model, maxTokens: settings.maxTokens, system: settings.system, messages }, { env: ctx.env, signal: ctx.signal });
    record(ctx, settings, reply);
    return reply.text;
  } catch (error) {
    if (!(error instanceof ModelError)) throw error;
    // A call cut off by the attempt's timeout (or failing midway) was still billed for what it used.
    if (error.spent) record(ctx, settings, error.spent);
    throw new ExecutionError(error.message, error.code, { cause: error });
  }
}

function record(ctx: ExecutionContext, settings: ModelSettings, spent: ModelUsage): void {
  if (spent.costUsd === null) {
    ctx.log.warn({ model: settings.model, runId: ctx.runId, eventId: ctx.eventId }, "model has no price in controller/llm/prices.json: cost recorded as null");
  }
  recordUsage(
    ctx.db,
    { runId: ctx.runId, eventId: ctx.eventId, agent: settings.agent, model: settings.model, ...spent.usage, costUsd: spent.costUsd, priceTableDate: spent.priceTableDate },
    ctx.clock.now(),
  );
}
