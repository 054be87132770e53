import type { Sql } from "./sql/sql.js";

/** Why the run's agent loop ended (end_turn, max_turns, ...): shown beside its status. */
export async function setRunStopReason(sql: Sql, runId: number, stopReason: string): Promise<void> {
  await sql.run("UPDATE event_runs SET stop_reason = ? WHERE id = ?", [stopReason, runId]);
}
