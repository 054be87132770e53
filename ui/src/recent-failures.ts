import type { Run } from "./api.js";

const dayMs = 86_400_000;

/**
 * The failed runs of the last 24 hours, from a page of failed runs newest first.
 * `more` when the page was full and all of it recent: there may be more behind it.
 */
export function recentFailures(failed: readonly Run[], now: Date, pageSize: number): { runs: Run[]; more: boolean } {
  const since = now.getTime() - dayMs;
  const runs = failed.filter((r) => Date.parse(r.finished_at ?? r.started_at ?? r.scheduled_for) >= since);
  return { runs, more: failed.length === pageSize && runs.length === failed.length };
}
