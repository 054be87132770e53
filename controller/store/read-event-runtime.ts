import type { Sql } from "./sql/sql.js";

/** The part of an event that reconciles must not reset, plus the condition digest that decides when to. Columns as stored. */
export interface EventRuntime {
  next_fire_at: string | null;
  consecutive_failures: number;
  /** 0 or 1, as both backends store it. */
  paused: number;
  paused_reason: string | null;
  condition_digest: string;
}

export function readEventRuntime(sql: Sql, name: string): Promise<EventRuntime | undefined> {
  return sql.get<EventRuntime>("SELECT next_fire_at, consecutive_failures, paused, paused_reason, condition_digest FROM events WHERE name = ?", [name]);
}
