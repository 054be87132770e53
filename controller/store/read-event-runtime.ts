import type { Database } from "better-sqlite3";
import { prepared } from "./prepared.js";

/** The part of an event that reconciles must not reset, plus the condition digest that decides when to. Columns as stored. */
export interface EventRuntime {
  next_fire_at: string | null;
  consecutive_failures: number;
  /** 0 or 1, as SQLite stores it. */
  paused: number;
  paused_reason: string | null;
  condition_digest: string;
}

export function readEventRuntime(db: Database, name: string): EventRuntime | undefined {
  return prepared(db, "SELECT next_fire_at, consecutive_failures, paused, paused_reason, condition_digest FROM events WHERE name = ?").get(name) as
    | EventRuntime
    | undefined;
}
