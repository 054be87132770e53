import { type ActiveJobs, activeJobs } from "./active-jobs.js";
import { type EventStatus, eventStatus } from "./event-status.js";
import type { Sql } from "./sql/sql.js";

/** The counters of `nexaas status` (SPEC §10). */
export interface StatusCounts {
  events: Record<EventStatus, number>;
  /** Queued (ready: their time has come), and running jobs. */
  queue: ActiveJobs;
  spend_today_usd: number;
}

export async function statusCounts(sql: Sql, now: Date): Promise<StatusCounts> {
  const events: Record<EventStatus, number> = { active: 0, paused: 0, disabled: 0, expired: 0 };
  // Read from events_state alone (no spec is parsed): groups of events that are not `once`, whose
  // state follows from these columns; then the `once` events one by one (events_condition), whose
  // state also depends on whether they fired.
  const groups = await sql.all<{
    enabled: number;
    paused: number;
    expires_at: unknown;
    n: number;
  }>("SELECT enabled, paused, expires_at, count(*) AS n FROM events WHERE condition_type <> 'once' GROUP BY enabled, paused, expires_at");
  for (const group of groups) events[eventStatus(group, now)] += group.n;
  const onceRows = await sql.all<{
    enabled: number;
    paused: number;
    expires_at: unknown;
    condition_type: string;
    next_fire_at: string | null;
    last_fired_at: string | null;
  }>("SELECT enabled, paused, expires_at, condition_type, next_fire_at, last_fired_at FROM events WHERE condition_type = 'once'");
  for (const row of onceRows) events[eventStatus(row, now)]++;

  // From the queue's partial indexes alone: finished jobs (nearly every row) are in none of them.
  const queue = await activeJobs(sql, now);

  // sum() ignores NULL costs (unknown model price); coalesce makes no rows 0.
  // Times are ISO UTC text, so "since midnight UTC" is a string comparison on the index.
  const midnight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())).toISOString();
  const spend = (await sql.get<{ usd: number }>("SELECT coalesce(sum(cost_usd), 0) AS usd FROM token_usage WHERE created_at >= ?", [midnight]))?.usd ?? 0;
  // Rounded to a millionth of a dollar so summed floats print as people expect (0.3, not 0.30000000000000004).
  return { events, queue, spend_today_usd: Math.round(spend * 1e6) / 1e6 };
}
