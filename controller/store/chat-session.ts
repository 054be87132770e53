import type { Database } from "better-sqlite3";
import { prepared } from "./prepared.js";
import { isoTime } from "./time.js";

export interface ChatMessage {
  role: "user" | "assistant";
  content: string;
}

/** The id of the session named `key`, created on first use (a `session:` key continues across runs). */
export function chatSessionId(db: Database, key: string, owner: { agent: string | null; eventId: string | null }, now: Date): number {
  const at = isoTime(now);
  prepared(
    db,
    `INSERT INTO chat_sessions (session_key, agent, event_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (session_key) DO NOTHING`,
  ).run(key, owner.agent, owner.eventId, at, at);
  const id = prepared<[string], number>(db, "SELECT id FROM chat_sessions WHERE session_key = ?").pluck().get(key);
  // Inserted above, in this call, if it was not there.
  if (id === undefined) throw new Error(`chat session ${key} was not created`);
  return id;
}

/** Appends messages in order and touches the session. */
export function appendChatMessages(db: Database, sessionId: number, runId: number | null, messages: readonly ChatMessage[], now: Date): void {
  const at = isoTime(now);
  const insert = prepared(db, "INSERT INTO chat_messages (session_id, run_id, role, content, created_at) VALUES (?, ?, ?, ?, ?)");
  db.transaction(() => {
    for (const m of messages) insert.run(sessionId, runId, m.role, m.content, at);
    prepared(db, "UPDATE chat_sessions SET updated_at = ? WHERE id = ?").run(at, sessionId);
  })();
}

/** The conversation so far, oldest first. */
export function readChatMessages(db: Database, sessionId: number): ChatMessage[] {
  return prepared<[number], ChatMessage>(db, "SELECT role, content FROM chat_messages WHERE session_id = ? ORDER BY id").all(sessionId);
}
