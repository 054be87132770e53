import { checkFence } from "./controller-lock.js";
import type { Sql } from "./sql/sql.js";
import { isoTime } from "./time.js";

/**
 * The statements of retention, each bounded by a batch size: every one reads
 * at most `limit` index entries (plus, for the per-event cap, the event's newest
 * `keep`), so a batch takes a few milliseconds however large the history.
 * Finished means success, failed or cancelled: queued and running runs are
 * never picked, and a run whose job is not finished is never deleted.
 */

const finished = new Set(["success", "failed", "cancelled"]);

export interface Batch {
  /** Finished runs to delete. */
  ids: number[];
  /** Where the next batch starts (the last id looked at). */
  after: number;
  /** Nothing more to look at in this walk. */
  done: boolean;
}

interface RunRow {
  id: number;
  status: string;
  created_at: string;
  finished_at: string | null;
}

/**
 * The next runs older than `before`, walked in id order from `after`. Ids grow
 * with creation time, so the walk stops at the first run created since
 * `before`; older ones still waiting or running are stepped over.
 */
export async function oldRunsBatch(sql: Sql, before: Date, after: number, limit: number): Promise<Batch> {
  const cutoff = isoTime(before);
  const rows = await sql.all<RunRow>("SELECT id, status, created_at, finished_at FROM event_runs WHERE id > ? ORDER BY id LIMIT ?", [after, limit]);
  const ids: number[] = [];
  let last = after;
  for (const row of rows) {
    if (row.created_at >= cutoff) return { ids, after: last, done: true };
    last = row.id;
    if (finished.has(row.status) && (row.finished_at ?? row.created_at) < cutoff) ids.push(row.id);
  }
  return { ids, after: last, done: rows.length < limit };
}

/** The first event (in name order) after `after` that has runs: one seek in event_runs_event, deleted events included. */
export async function nextEventWithRuns(sql: Sql, after: string): Promise<string | undefined> {
  // `>` and ORDER BY share the column's collation, whichever it is, so the walk misses no event.
  const row = await sql.get<{ event_id: string }>("SELECT event_id FROM event_runs WHERE event_id > ? ORDER BY event_id LIMIT 1", [after]);
  return row?.event_id;
}

/** The id of the event's `keep`-th newest run, or undefined when it has no more than `keep`: runs below it are over the cap. */
export async function capBoundary(sql: Sql, eventId: string, keep: number): Promise<number | undefined> {
  const row = await sql.get<{ id: number }>("SELECT id FROM event_runs WHERE event_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?", [eventId, keep - 1]);
  return row?.id;
}

/** The event's next runs below `boundary`, in id order from `after`. */
export async function overCapBatch(sql: Sql, eventId: string, boundary: number, after: number, limit: number): Promise<Batch> {
  const rows = await sql.all<{ id: number; status: string }>("SELECT id, status FROM event_runs WHERE event_id = ? AND id > ? AND id < ? ORDER BY id LIMIT ?", [
    eventId,
    after,
    boundary,
    limit,
  ]);
  return { ids: rows.filter((r) => finished.has(r.status)).map((r) => r.id), after: rows.at(-1)?.id ?? after, done: rows.length < limit };
}

// The ids travel as one parameter: a JSON array walked by json_each on SQLite, a
// bigint[] on PostgreSQL (pg sends a JS array as one). Each statement probes its
// index once per id.
const idList = { sqlite: "(SELECT value FROM json_each(?))", postgres: "(SELECT unnest(CAST(? AS bigint[])))" } as const;
const deleteSqls = (ids: string) => ({
  messages: `DELETE FROM chat_messages WHERE run_id IN ${ids}`,
  jobs: `DELETE FROM job_queue WHERE run_id IN ${ids} AND status IN ('success', 'failed', 'cancelled')`,
  runs: `
  DELETE FROM event_runs
  WHERE id IN ${ids} AND status IN ('success', 'failed', 'cancelled')
    AND NOT EXISTS (SELECT 1 FROM job_queue WHERE job_queue.run_id = event_runs.id)`,
});
const deletes = { sqlite: deleteSqls(idList.sqlite), postgres: deleteSqls(idList.postgres) } as const;

/**
 * Deletes finished runs with their jobs and chat messages, in one short
 * transaction (fenced: a controller that lost the lock deletes nothing).
 * A run's transcript (run_steps) goes with it through its foreign key's ON
 * DELETE CASCADE (the store runs with foreign_keys on), so only the steps of
 * runs actually deleted go. Token usage rows stay: they are billing history.
 * Returns the runs deleted.
 */
export async function deleteRuns(sql: Sql, ids: readonly number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const list = sql.dialect === "postgres" ? ids : JSON.stringify(ids);
  const statements = deletes[sql.dialect];
  return sql.transaction(async (tx) => {
    await checkFence(tx);
    await tx.run(statements.messages, [list]);
    await tx.run(statements.jobs, [list]);
    return (await tx.run(statements.runs, [list])).changes;
  });
}

const deleteWebhookIdsSql = `
  DELETE FROM webhook_ids WHERE (event_id, webhook_id) IN (
    SELECT event_id, webhook_id FROM webhook_ids WHERE seen_at < ? ORDER BY seen_at LIMIT ?)`;

/** Deletes up to `limit` webhook ids seen before `before` (webhook_ids_seen finds them). Returns how many. */
export async function pruneWebhookIds(sql: Sql, before: Date, limit: number): Promise<number> {
  return sql.transaction(async (tx) => {
    await checkFence(tx);
    return (await tx.run(deleteWebhookIdsSql, [isoTime(before), limit])).changes;
  });
}
