import type { MessageParam } from "@anthropic-ai/sdk/resources/messages";
import { modelCallForRun } from "../model-call.js";
import { modelSettings } from "../model-settings.js";
import { appendChatMessages, chatSessionId, readChatMessages, type ChatMessage } from "../../store/chat-session.js";
import { isRecord } from "../../definitions/is-record.js";
import { ExecutionError, type Executor } from "../executor.js";

/**
 * `claude_chat`: the agent's prompt.md as `system`, its model and max_tokens,
 * and `prompt` (one user message) or `messages`. With `session`, the stored
 * conversation goes first, and the new user messages and the reply are kept
 * for the next run (only after a successful call: a failed attempt leaves the
 * conversation as it was, so a retry does not repeat a turn).
 */
export const claudeChat: Executor = async (ctx) => {
  const { prompt, messages, session, agent } = ctx.action;
  const turn = newMessages(prompt, messages);
  if (session !== undefined && (typeof session !== "string" || session === "")) {
    throw new ExecutionError("claude_chat: `session` must be a non-empty string", "invalid-action");
  }
  const settings = modelSettings(ctx.db, agent, ctx.defaultAgent, "claude_chat");
  const history = session ? readChatMessages(ctx.db, sessionIdFor(ctx, session, settings.agent)) : [];
  const reply = await modelCallForRun(ctx, settings, [...history, ...turn]);
  if (session) {
    appendChatMessages(ctx.db, sessionIdFor(ctx, session, settings.agent), ctx.runId, [...turn, { role: "assistant", content: reply }], ctx.clock.now());
  }
  return { output: reply };
};

function sessionIdFor(ctx: Parameters<Executor>[0], key: string, agent: string): number {
  return chatSessionId(ctx.db, key, { agent, eventId: ctx.eventId }, ctx.clock.now());
}

function newMessages(prompt: unknown, messages: unknown): (ChatMessage & MessageParam)[] {
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
