import { AgentError } from "../agents/agent-error.js";
import type { AgentRuntime } from "../agents/agent-runtime.js";
import { runAgent, type AgentRequest } from "../agents/run-agent.js";
import type { LoopResult } from "../agents/tool-loop.js";
import { createModelClient } from "../llm/client.js";
import { ModelError } from "../llm/model-error.js";
import { readDefinition } from "../store/read-definition.js";
import { capOutput } from "./cap-output.js";
import { checkedLookup, workspaceEgress } from "./egress.js";
import { ExecutionError, type ExecutionContext } from "./executor.js";
import { resolveSecrets } from "./secrets.js";

/**
 * An agent's turn for a run (claude_chat, skill, and their flow steps): the
 * attempt's context handed to agents/ as what it needs from a worker (the
 * client, secret resolution and masking, capping, the egress check), and its
 * failures as ExecutionErrors with their codes, so the worker knows which to retry.
 */
export async function agentCall(ctx: ExecutionContext, request: AgentRequest): Promise<LoopResult> {
  try {
    return await runAgent(await agentRuntime(ctx), request);
  } catch (error) {
    if (error instanceof AgentError || error instanceof ModelError) throw new ExecutionError(ctx.secrets.mask(error.message), error.code, { cause: error });
    throw error;
  }
}

async function agentRuntime(ctx: ExecutionContext): Promise<AgentRuntime> {
  const dailyBudgetUsd = (await readDefinition(ctx.sql, "workspace", "workspace"))?.budget?.daily_usd;
  return {
    sql: ctx.sql,
    client: createModelClient(ctx.env),
    runId: ctx.runId,
    eventId: ctx.eventId,
    attempt: ctx.attempt,
    signal: ctx.signal,
    workspaceDir: ctx.workspaceDir,
    env: ctx.env,
    clock: ctx.clock,
    log: ctx.log,
    resolve: (text) => resolveSecrets(text, ctx.env, ctx.secrets),
    remember: (value) => void ctx.secrets.add(value),
    mask: (text) => ctx.secrets.mask(text),
    cap: (text, maxBytes) => capOutput(text, { maxBytes }),
    // Refused before anything is connected; the MCP SDK then connects by name (README "Webhook egress" notes the difference).
    checkEgress: async (url) => void (await checkedLookup(url, await workspaceEgress(ctx.sql))),
    ...(ctx.onProcess ? { onProcess: ctx.onProcess } : {}),
    dailyBudgetUsd,
  };
}
