import type { ContentBlockParam } from "@anthropic-ai/sdk/resources/messages";
import type { Sql } from "./sql/sql.js";
import { isoTime } from "./time.js";

/** A message of a session: text, or content blocks (an agent's tool_use and tool_result turns). */
export interface ChatMessage {
  role: "user" | "assistant";
  content: string | ContentBlockParam[];
}

/** The id of the session named `key`, created on first use (a `session:` key continues across runs). */
export async function chatSessionId(sql: Sql, key: string, owner: { agent: string | null; eventId: string | null }, now: Date): Promise<number> {
  const at = isoTime(now);
  await sql.run(
    `INSERT INTO chat_sessions (session_key, agent, event_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (session_key) DO NOTHING`,
    [key, owner.agent, owner.eventId, at, at],
  );
  const row = await sql.get<{ id: number }>("SELECT id FROM chat_sessions WHERE session_key = ?", [key]);
  // Inserted above, in this call, if it was not there.
  if (row === undefined) throw new Error(`chat session ${key} was not created`);
  return row.id;
}

/** Appends messages in order and touches the session, in one transaction. */
export async function appendChatMessages(sql: Sql, sessionId: number, runId: number | null, messages: readonly ChatMessage[], now: Date): Promise<void> {
  const at = isoTime(now);
  const insert = "INSERT INTO chat_messages (session_id, run_id, role, content, content_json, created_at) VALUES (?, ?, ?, ?, ?, ?)";
  await sql.transaction(async (tx) => {
    for (const m of messages) {
      if (typeof m.content === "string") await tx.run(insert, [sessionId, runId, m.role, m.content, null, at]);
      else await tx.run(insert, [sessionId, runId, m.role, textOf(m.content), JSON.stringify(m.content), at]);
    }
    await tx.run("UPDATE chat_sessions SET updated_at = ? WHERE id = ?", [at, sessionId]);
  });
}

/** The conversation so far, oldest first, blocks as they were sent. */
export async function readChatMessages(sql: Sql, sessionId: number): Promise<ChatMessage[]> {
  const rows = await sql.all<{ role: ChatMessage["role"]; content: string; content_json: string | null }>(
    "SELECT role, content, content_json FROM chat_messages WHERE session_id = ? ORDER BY id",
    [sessionId],
  );
  return rows.map((row) => ({ role: row.role, content: row.content_json === null ? row.content : blocksOf(row.content_json, row.content) }));
}

/** The text a reader of the table sees for a message of blocks: its text blocks, then each tool call by name. */
function textOf(blocks: readonly ContentBlockParam[]): string {
  return blocks
    .map((b) => (b.type === "text" ? b.text : b.type === "tool_use" ? `[tool_use ${b.name}]` : b.type === "tool_result" ? "[tool_result]" : `[${b.type}]`))
    .join("\n");
}

// Written by appendChatMessages from blocks the API accepted; anything else reads as its text.
function blocksOf(json: string, text: string): ContentBlockParam[] | string {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? (value as ContentBlockParam[]) : text;
  } catch {
    return text;
  }
}
