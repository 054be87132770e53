import type { Turn } from "../../agents/tool-loop.js";
import { agentProfile } from "../../agents/agent-profile.js";
import { appendChatMessages, chatSessionId, readChatMessages } from "../../store/chat-session.js";
import { isRecord } from "../../definitions/is-record.js";
import { agentCall } from "../agent-call.js";
import { ExecutionError, type Executor } from "../executor.js";

/**
 * `claude_chat`: the agent's loop (its prompt.md as `system`, its model, tools
 * and limits) on `prompt` (one user message) or `messages`. With `session`, the
 * stored conversation goes first, and the new user messages and every turn of
 * the loop (tool calls and results included) are kept for the next run: only
 * after a successful run, so a retry does not repeat a turn.
 */
export const claudeChat: Executor = async (ctx) => {
  const { prompt, messages, session, agent } = ctx.action;
  const turn = newMessages(prompt, messages);
  if (session !== undefined && (typeof session !== "string" || session === "")) {
    throw new ExecutionError("claude_chat: `session` must be a non-empty string", "invalid-action");
  }
  const requested = typeof agent === "string" && agent !== "" ? agent : ctx.defaultAgent;
  // The session belongs to the agent that runs (the workspace default when none is named).
  const sessionAgent = session ? await agentName(ctx, requested) : "";
  const history = session ? await readChatMessages(ctx.sql, await sessionIdFor(ctx, session, sessionAgent)) : [];
  const result = await agentCall(ctx, { agent: requested, label: "claude_chat", messages: [...history, ...turn] });
  if (session) await appendChatMessages(ctx.sql, await sessionIdFor(ctx, session, sessionAgent), ctx.runId, [...turn, ...result.messages], ctx.clock.now());
  return { output: result.text };
};

async function agentName(ctx: Parameters<Executor>[0], requested: string | undefined): Promise<string> {
  try {
    return (await agentProfile(ctx.sql, requested, "claude_chat")).name;
  } catch (error) {
    throw new ExecutionError(error instanceof Error ? error.message : String(error), error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : "unknown-agent");
  }
}

function sessionIdFor(ctx: Parameters<Executor>[0], key: string, agent: string): Promise<number> {
  return chatSessionId(ctx.sql, key, { agent, eventId: ctx.eventId }, ctx.clock.now());
}

function newMessages(prompt: unknown, messages: unknown): Turn[] {
  if (typeof prompt === "string" && prompt !== "") {
    if (messages !== undefined) throw new ExecutionError("claude_chat: give `prompt` or `messages`, not both", "invalid-action");
    return [{ role: "user", content: prompt }];
  }
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new ExecutionError("claude_chat: needs `prompt` (a string) or `messages` (a list of {role, content})", "invalid-action");
  }
  return messages.map((m: unknown, i) => {
    const { role, content } = isRecord(m) ? m : {};
    if ((role !== "user" && role !== "assistant") || typeof content !== "string") {
      throw new ExecutionError(`claude_chat: messages[${i}] must be {role: user|assistant, content: string}`, "invalid-action");
    }
    return { role, content };
  });
}
