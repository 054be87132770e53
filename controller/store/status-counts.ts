import type { Database } from "better-sqlite3";
import { type EventStatus, eventStatus } from "./event-status.js";
import { prepared } from "./prepared.js";

/** The counters of `nexaas status` (SPEC §10). */
export interface StatusCounts {
  events: Record<EventStatus, number>;
  queue: { queued: number; running: number };
  spend_today_usd: number;
}

export function statusCounts(db: Database, now: Date): StatusCounts {
  const events: Record<EventStatus, number> = { active: 0, paused: 0, disabled: 0, expired: 0 };
  const eventRows = prepared<
    [],
    { enabled: number; paused: number; expires_at: unknown; condition_type: string; next_fire_at: string | null; last_fired_at: string | null }
  >(db, "SELECT enabled, paused, json_extract(spec, '$.policy.expires_at') AS expires_at, condition_type, next_fire_at, last_fired_at FROM events").all();
  for (const row of eventRows) events[eventStatus(row, now)]++;

  // Each count reads partial indexes alone (queued jobs are in job_queue_free or job_queue_keyed,
  // running ones in job_queue_lease; finished jobs are in none).
  const queue = prepared<[], { queued: number; running: number }>(
    db,
    `SELECT (SELECT count(*) FROM job_queue WHERE status = 'queued' AND concurrency_key IS NULL)
              + (SELECT count(*) FROM job_queue WHERE status = 'queued' AND concurrency_key IS NOT NULL) AS queued,
            (SELECT count(*) FROM job_queue WHERE status = 'running') AS running`,
  ).get() ?? { queued: 0, running: 0 };

  // total() ignores NULL costs (unknown model price) and is 0.0 when there are no rows.
  // Times are ISO UTC text, so "since midnight UTC" is a string comparison on the index.
  const midnight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())).toISOString();
  const spend = prepared<[string], number>(db, "SELECT total(cost_usd) FROM token_usage WHERE created_at >= ?").pluck().get(midnight) ?? 0;
  // Rounded to a millionth of a dollar so summed floats print as people expect (0.3, not 0.30000000000000004).
  return { events, queue, spend_today_usd: Math.round(spend * 1e6) / 1e6 };
}
