import type { Database } from "better-sqlite3";
import { prepared } from "./prepared.js";

/** A tool call as /metrics counts it. */
export interface ToolCallSample {
  id: number;
  tool: string;
  /** The MCP server, or null for a built-in tool. */
  server: string | null;
  is_error: number;
  duration_ms: number;
}

/** The id of the newest step (0 for none): where /metrics starts reading, so history is not replayed. */
export function lastRunStepId(db: Database): number {
  return prepared<[], number>(db, "SELECT COALESCE(MAX(id), 0) FROM run_steps").pluck().get() ?? 0;
}

/**
 * The steps after `afterId`, at most `limit`, in id order, by the primary key;
 * turns come back too (tool null) so the cursor moves past them and each call
 * reads at most `limit` rows. Ids are never reused (AUTOINCREMENT) and steps
 * are written one at a time, so a step never appears behind the cursor.
 */
export function stepsAfter(db: Database, afterId: number, limit: number): { last: number; toolCalls: ToolCallSample[] } {
  const rows = prepared<[number, number], ToolCallSample & { kind: string }>(
    db,
    "SELECT id, kind, tool, server, is_error, duration_ms FROM run_steps WHERE id > ? ORDER BY id LIMIT ?",
  ).all(afterId, limit);
  return { last: rows.at(-1)?.id ?? afterId, toolCalls: rows.filter((r) => r.kind === "tool_call") };
}
