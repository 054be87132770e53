import type { Sql } from "./sql/sql.js";

/** What the metrics observe of a run that ended: read once, by its id, when the pool reports it. */
export interface EndedRun {
  event_id: string;
  status: string;
  trigger: string;
  scheduled_for: string;
  started_at: string | null;
  duration_ms: number | null;
}

export function readEndedRun(sql: Sql, runId: number): Promise<EndedRun | undefined> {
  return sql.get<EndedRun>("SELECT event_id, status, trigger, scheduled_for, started_at, duration_ms FROM event_runs WHERE id = ?", [runId]);
}
