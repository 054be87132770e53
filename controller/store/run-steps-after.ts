import type { Sql } from "./sql/sql.js";

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
export async function lastRunStepId(sql: Sql): Promise<number> {
  return (await sql.get<{ id: number }>("SELECT COALESCE(MAX(id), 0) AS id FROM run_steps"))?.id ?? 0;
}

/**
 * The steps after `afterId`, at most `limit`, in id order, by the primary key;
 * turns come back too (tool null) so the cursor moves past them and each call
 * reads at most `limit` rows. Ids are never reused (AUTOINCREMENT) and steps
 * are written one at a time, so a step never appears behind the cursor.
 */
export async function stepsAfter(sql: Sql, afterId: number, limit: number): Promise<{ last: number; toolCalls: ToolCallSample[] }> {
  const rows = await sql.all<ToolCallSample & { kind: string }>(
    "SELECT id, kind, tool, server, is_error, duration_ms FROM run_steps WHERE id > ? ORDER BY id LIMIT ?",
    [afterId, limit],
  );
  return { last: rows.at(-1)?.id ?? afterId, toolCalls: rows.filter((r) => r.kind === "tool_call") };
}
