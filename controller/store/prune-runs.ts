import type { Database } from "better-sqlite3";
import { checkConnectionFence } from "./controller-lock.js";
import { prepared } from "./prepared.js";
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
export function oldRunsBatch(db: Database, before: Date, after: number, limit: number): Batch {
  const cutoff = isoTime(before);
  const rows = prepared<[number, number], RunRow>(db, "SELECT id, status, created_at, finished_at FROM event_runs WHERE id > ? ORDER BY id LIMIT ?").all(after, limit);
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
export function nextEventWithRuns(db: Database, after: string): string | undefined {
  return prepared<[string], string>(db, "SELECT event_id FROM event_runs WHERE event_id > ? ORDER BY event_id LIMIT 1").pluck().get(after);
}

/** The id of the event's `keep`-th newest run, or undefined when it has no more than `keep`: runs below it are over the cap. */
export function capBoundary(db: Database, eventId: string, keep: number): number | undefined {
  return prepared<[string, number], number>(db, "SELECT id FROM event_runs WHERE event_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?").pluck().get(eventId, keep - 1);
}

/** The event's next runs below `boundary`, in id order from `after`. */
export function overCapBatch(db: Database, eventId: string, boundary: number, after: number, limit: number): Batch {
  const rows = prepared<[string, number, number, number], { id: number; status: string }>(
    db,
    "SELECT id, status FROM event_runs WHERE event_id = ? AND id > ? AND id < ? ORDER BY id LIMIT ?",
  ).all(eventId, after, boundary, limit);
  return { ids: rows.filter((r) => finished.has(r.status)).map((r) => r.id), after: rows.at(-1)?.id ?? after, done: rows.length < limit };
}

// The ids travel as one JSON array; each statement probes its index once per id.
const deleteMessagesSql = "DELETE FROM chat_messages WHERE run_id IN (SELECT value FROM json_each(?))";
const deleteJobsSql = "DELETE FROM job_queue WHERE run_id IN (SELECT value FROM json_each(?)) AND status IN ('success', 'failed', 'cancelled')";
const deleteRunsSql = `
  DELETE FROM event_runs
  WHERE id IN (SELECT value FROM json_each(?)) AND status IN ('success', 'failed', 'cancelled')
    AND NOT EXISTS (SELECT 1 FROM job_queue WHERE job_queue.run_id = event_runs.id)`;

/**
 * Deletes finished runs with their jobs and chat messages, in one short
 * transaction (fenced: a controller that lost the lock deletes nothing).
 * A run's transcript (run_steps) goes with it through its foreign key's ON
 * DELETE CASCADE (the store runs with foreign_keys on), so only the steps of
 * runs actually deleted go. Token usage rows stay: they are billing history.
 * Returns the runs deleted.
 */
export function deleteRuns(db: Database, ids: readonly number[]): number {
  if (ids.length === 0) return 0;
  const list = JSON.stringify(ids);
  return db
    .transaction(() => {
      checkConnectionFence(db);
      prepared(db, deleteMessagesSql).run(list);
      prepared(db, deleteJobsSql).run(list);
      return prepared(db, deleteRunsSql).run(list).changes;
    })
    .immediate();
}

const deleteWebhookIdsSql = `
  DELETE FROM webhook_ids WHERE (event_id, webhook_id) IN (
    SELECT event_id, webhook_id FROM webhook_ids WHERE seen_at < ? ORDER BY seen_at LIMIT ?)`;

/** Deletes up to `limit` webhook ids seen before `before` (webhook_ids_seen finds them). Returns how many. */
export function pruneWebhookIds(db: Database, before: Date, limit: number): number {
  return db
    .transaction(() => {
      checkConnectionFence(db);
      return prepared(db, deleteWebhookIdsSql).run(isoTime(before), limit).changes;
    })
    .immediate();
}
