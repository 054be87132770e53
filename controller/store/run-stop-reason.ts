import type { Database } from "better-sqlite3";
import { prepared } from "./prepared.js";

/** Why the run's agent loop ended (end_turn, max_turns, ...): shown beside its status. */
export function setRunStopReason(db: Database, runId: number, stopReason: string): void {
  prepared(db, "UPDATE event_runs SET stop_reason = ? WHERE id = ?").run(stopReason, runId);
}
