import type { ContentBlock, ContentBlockParam, Tool, ToolResultBlockParam, ToolUseBlock } from "@anthropic-ai/sdk/resources/messages";
import { callModel, type ModelReply } from "../llm/call-model.js";
import { ModelError, type ModelUsage } from "../llm/model-error.js";
import { recordRunStep } from "../store/run-steps.js";
import { recordUsage } from "../store/record-usage.js";
import { spendToday } from "../store/spend-today.js";
import { isRecord } from "../definitions/is-record.js";
import type { AgentProfile } from "./agent-profile.js";
import type { AgentRuntime } from "./agent-runtime.js";
import { toolError, type AgentTool, type ToolOutcome } from "./agent-tool.js";
import type { RunLedger } from "./run-ledger.js";
import type { StopReason } from "./stop-reason.js";
import { affordableMaxTokens } from "./turn-budget.js";

/** What the transcript keeps of a tool's input and output; the model gets up to the MCP layer's own cap. */
export const transcriptCapBytes = 16 * 1024;

/** One agent in one loop: its profile, how deep it was delegated, and what it was given. */
export interface LoopAgent {
  profile: AgentProfile;
  depth: number;
  system: string;
  /** The tools offered to the model (permissions already applied). */
  tools: AgentTool[];
  /** Why a tool the model asked for is not offered: denied by a pattern, or not the agent's. */
  refusal(name: string): string;
}

/** A turn of a conversation the loop carries on (and a session keeps): the user's or the model's. */
export interface Turn {
  role: "user" | "assistant";
  content: string | ContentBlockParam[];
}

export interface LoopResult {
  /** The last reply's text. */
  text: string;
  stopReason: StopReason;
  /** The messages the loop added after its input, ending where a conversation can go on (every tool_use answered). */
  messages: Turn[];
}

/**
 * The tool loop (issue 12): the model, then the tool calls it asked for (all of
 * one turn at once), then their results back, until the model ends its turn
 * or a limit stops it. Every turn and call is recorded as it ends, so a run cut
 * off by its timeout still shows what it did.
 *
 * The SDK's beta tool runner runs the same loop, but it cannot check the run's
 * money before each call (lowering max_tokens to what is left), count tool calls
 * across sub-agents, refuse a denied tool with a reason, or record each step as
 * it happens; so the loop is ours, and the SDK does the calls and streaming.
 */
export async function runToolLoop(agent: LoopAgent, input: readonly Turn[], rt: AgentRuntime, ledger: RunLedger): Promise<LoopResult> {
  const { profile } = agent;
  const tools: Tool[] = agent.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.inputSchema }));
  const byName = new Map(agent.tools.map((t) => [t.name, t]));
  const conversation: Turn[] = [...input];
  const added = (): Turn[] => conversation.slice(input.length);
  let text = "";
  for (let turn = 1; ; turn++) {
    if (turn > profile.limits.maxTurns) return { text, stopReason: "max_turns", messages: added() };
    if (rt.dailyBudgetUsd !== undefined) {
      const spent = await spendToday(rt.sql, rt.clock.now());
      if (spent >= rt.dailyBudgetUsd) {
        ledger.budgetStop = { by: "daily", spentToday: spent };
        return { text, stopReason: "budget", messages: added() };
      }
    }
    const maxTokens = affordableMaxTokens(profile.model, profile.maxTokens, { system: agent.system, messages: conversation, tools }, ledger);
    if (maxTokens === "budget") {
      ledger.budgetStop = { by: "run" };
      return { text, stopReason: "budget", messages: added() };
    }

    const reply = await modelTurn(agent, { maxTokens, messages: conversation, tools }, rt, ledger);
    text = reply.text;
    const calls = reply.content.filter((b): b is ToolUseBlock => b.type === "tool_use");
    if (reply.stopReason !== "tool_use" || calls.length === 0) {
      // A reply cut by max_tokens may end in a half-written tool call: it is not kept, so the conversation stays valid.
      const kept = asParams(reply.content.filter((b) => b.type !== "tool_use"));
      // A reply of text alone is kept as text: a session reads as the conversation it is.
      if (kept.length > 0) conversation.push({ role: "assistant", content: kept.every((b) => b.type === "text") ? reply.text : kept });
      return { text, stopReason: stopOf(reply.stopReason), messages: added() };
    }
    conversation.push({ role: "assistant", content: asParams(reply.content) });
    // Calls that no limit lets run are answered (the conversation stays valid) and shown in the transcript as not run.
    const notRun =
      turn === profile.limits.maxTurns
        ? { stop: "max_turns" as const, reason: `not run: the agent reached max_turns (${profile.limits.maxTurns}), so no turn is left to read the result` }
        : ledger.toolCalls + calls.length > ledger.maxToolCalls
          ? { stop: "max_tool_calls" as const, reason: `not run: the run reached max_tool_calls (${ledger.maxToolCalls})` }
          : undefined;
    if (notRun) {
      const outcome = toolError(notRun.reason);
      for (const call of calls) await recordToolStep(agent, call, undefined, outcome, { seq: ledger.nextSeq(), started: rt.clock.now() }, rt);
      conversation.push({ role: "user", content: calls.map((c) => resultBlock(c, outcome)) });
      return { text, stopReason: notRun.stop, messages: added() };
    }
    ledger.toolCalls += calls.length;
    const results = await Promise.all(calls.map((call) => toolCall(agent, call, byName.get(call.name), rt, ledger.nextSeq())));
    conversation.push({ role: "user", content: results });
  }
}

/** One model call, its usage recorded against the run under this agent (a call cut off midway is billed too). */
async function modelTurn(agent: LoopAgent, request: { maxTokens: number; messages: Turn[]; tools: Tool[] }, rt: AgentRuntime, ledger: RunLedger): Promise<ModelReply> {
  const { profile } = agent;
  const started = rt.clock.now();
  const seq = ledger.nextSeq();
  const record = async (spent: ModelUsage, stopReason: string | null, text: string): Promise<void> => {
    const now = rt.clock.now();
    ledger.spentUsd += spent.costUsd ?? 0;
    if (spent.costUsd === null) rt.log.warn({ model: profile.model, runId: rt.runId, eventId: rt.eventId }, "model has no price in controller/llm/prices.json: cost recorded as null");
    await recordUsage(rt.sql, { runId: rt.runId, eventId: rt.eventId, agent: profile.name, model: profile.model, ...spent.usage, costUsd: spent.costUsd, priceTableDate: spent.priceTableDate }, now);
    await recordRunStep(rt.sql, {
      kind: "turn",
      seq,
      text: rt.cap(rt.mask(text), transcriptCapBytes),
      runId: rt.runId,
      attempt: rt.attempt,
      agent: profile.name,
      depth: agent.depth,
      model: profile.model,
      stopReason,
      usage: spent.usage,
      costUsd: spent.costUsd,
      startedAt: started,
      durationMs: now.getTime() - started.getTime(),
    });
  };
  try {
    const reply = await callModel(
      rt.client,
      { model: profile.model, maxTokens: request.maxTokens, system: agent.system, messages: request.messages, tools: request.tools },
      { env: rt.env, signal: rt.signal },
    );
    await record(reply, reply.stopReason, reply.text);
    return reply;
  } catch (error) {
    if (error instanceof ModelError && error.spent) await record(error.spent, error.code === "timeout" ? "timeout" : "error", "");
    throw error;
  }
}

/**
 * One tool call: refused when not offered, else run; recorded masked and
 * capped either way, also when the attempt ends while it runs (timeout,
 * shutdown), so the transcript shows what was under way.
 */
async function toolCall(agent: LoopAgent, call: ToolUseBlock, tool: AgentTool | undefined, rt: AgentRuntime, seq: number): Promise<ToolResultBlockParam> {
  const started = rt.clock.now();
  let outcome: ToolOutcome;
  try {
    outcome = tool ? await tool.run(isRecord(call.input) ? call.input : {}, rt.signal) : toolError(agent.refusal(call.name));
  } catch (error) {
    await recordToolStep(agent, call, tool, toolError("cancelled: the attempt ended (timeout or shutdown) while the call ran"), { seq, started }, rt);
    throw error;
  }
  const masked: ToolOutcome = {
    ...outcome,
    text: rt.mask(outcome.text),
    content: outcome.content.map((block) => (block.type === "text" ? { ...block, text: rt.mask(block.text) } : block)),
  };
  await recordToolStep(agent, call, tool, masked, { seq, started }, rt);
  return resultBlock(call, masked);
}

/** A tool call's row in the transcript. A refused `mcp__<server>__…` name is shown under the server it names. */
async function recordToolStep(agent: LoopAgent, call: ToolUseBlock, tool: AgentTool | undefined, outcome: ToolOutcome, at: { seq: number; started: Date }, rt: AgentRuntime): Promise<void> {
  const now = rt.clock.now();
  await recordRunStep(rt.sql, {
    kind: "tool_call",
    seq: at.seq,
    runId: rt.runId,
    attempt: rt.attempt,
    agent: agent.profile.name,
    depth: agent.depth,
    tool: call.name,
    server: tool ? tool.server : (/^mcp__(.+?)__/.exec(call.name)?.[1] ?? null),
    input: rt.cap(rt.mask(JSON.stringify(call.input)), transcriptCapBytes),
    output: rt.cap(rt.mask(outcome.text), transcriptCapBytes),
    isError: outcome.isError,
    startedAt: at.started,
    durationMs: now.getTime() - at.started.getTime(),
  });
}

function resultBlock(call: ToolUseBlock, outcome: ToolOutcome): ToolResultBlockParam {
  return { type: "tool_result", tool_use_id: call.id, content: outcome.content, ...(outcome.isError ? { is_error: true } : {}) };
}

/** The reply's blocks as request blocks: text and tool calls (thinking is not asked for, so none comes back). */
function asParams(blocks: ContentBlock[]): ContentBlockParam[] {
  const out: ContentBlockParam[] = [];
  for (const block of blocks) {
    if (block.type === "text") out.push({ type: "text", text: block.text });
    else if (block.type === "tool_use") out.push({ type: "tool_use", id: block.id, name: block.name, input: block.input });
  }
  return out;
}

function stopOf(reason: ModelReply["stopReason"]): StopReason {
  if (reason === "max_tokens") return "max_tokens";
  if (reason === "refusal") return "refusal";
  return "end_turn";
}
