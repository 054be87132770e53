import { recordSuccessSql, successParams as eventSuccessParams } from "../store/record-run-outcome.js";
import { keepPrepared } from "../store/sql/placeholders.js";
import type { Sql } from "../store/sql/sql.js";
import { isoTime } from "../store/time.js";
import { jobChannel } from "./announce-job.js";

// PostgreSQL's completions, group-committed. Each completion on its own is one
// statement (complete-job.ts); a controller's workers finishing short jobs
// back to back sent one each, and every statement is a round trip, a snapshot
// and a commit. Here a completion goes out at once when none of its kind is
// under way, and otherwise waits for that one and goes with every other that
// waited meanwhile, in one statement: no delay when the queue is quiet, fewer
// statements when it is busy.
//
// "Its kind" is one worker and one event. A batch then updates one events row
// at most, so two batches can never lock two events rows in opposite orders
// (a deadlock); the job and run rows it updates are its worker's own.
//
// A batch's statements are sent from the async context of the completion that
// started it, so only completions made outside any transaction (a worker's
// attempt) are batched: one made inside a transaction is that transaction's
// own statement, and would otherwise take the others into it. A batch that
// fails is tried again one completion at a time, so that one completion's
// fault (or a deadlock's victim) fails that completion alone.

/** One succeeded attempt to record: the job, as the worker holds it, and its result. */
export interface Completion {
  jobId: number;
  eventId: string;
  workerId: string;
  at: Date;
  output: string | null;
  durationMs: number;
}

/**
 * Jobs no longer held (their lease expired and was recovered) are left as they are: their result
 * is dropped. The updates run whether or not the query refers to them; `notice`, which only reads,
 * runs only because it does.
 */
const completeBatchSql = keepPrepared(`
  WITH done AS (
      SELECT * FROM unnest(@ids::bigint[], @outputs::text[], @durations::bigint[], @ats::text[]) AS d(id, output, duration_ms, at)),
    job AS (
      UPDATE job_queue SET status = 'success', lease_owner = NULL, lease_expires_at = NULL, updated_at = done.at
      FROM done WHERE job_queue.id = done.id AND job_queue.status = 'running' AND job_queue.lease_owner = @worker
      RETURNING job_queue.id, job_queue.run_id, job_queue.concurrency_key, done.output, done.duration_ms, done.at),
    run AS (
      UPDATE event_runs SET status = 'success', finished_at = job.at, duration_ms = job.duration_ms, output = job.output, error = NULL
      FROM job WHERE event_runs.id = job.run_id),
    notice AS (SELECT pg_notify('${jobChannel}', '') FROM job WHERE job.concurrency_key IS NOT NULL LIMIT 1),
    event AS (${recordSuccessSql})
  SELECT (SELECT json_agg(id) FROM job) AS held, (SELECT count(*) FROM notice) AS notices`);

const maxBatch = 200;

interface Waiting {
  completion: Completion;
  resolve: (held: boolean) => void;
  reject: (error: unknown) => void;
}

interface Kind {
  busy: boolean;
  waiting: Waiting[];
}

const kindsBySql = new WeakMap<Sql, Map<string, Kind>>();

/**
 * Records a succeeded job, its run and its event's success (recordSuccessSql's rule), batched with
 * completions of the same worker and event that came in while one was under way. True when the
 * worker still held the job. Unfenced PostgreSQL only (a fenced handle writes in its transaction).
 */
export async function completeOnPostgresBatched(sql: Sql, completion: Completion): Promise<boolean> {
  if (sql.inTransaction()) return (await completeBatch(sql, [completion])).length > 0;
  let kinds = kindsBySql.get(sql);
  if (!kinds) kindsBySql.set(sql, (kinds = new Map<string, Kind>()));
  const name = `${completion.workerId}\n${completion.eventId}`;
  let kind = kinds.get(name);
  if (!kind) kinds.set(name, (kind = { busy: false, waiting: [] }));
  const held = new Promise<boolean>((resolve, reject) => kind.waiting.push({ completion, resolve, reject }));
  if (!kind.busy) void send(sql, kinds, name, kind);
  return held;
}

/** Sends what waits of one kind, then again while more came meanwhile; the kind is forgotten once idle. */
async function send(sql: Sql, kinds: Map<string, Kind>, name: string, kind: Kind): Promise<void> {
  kind.busy = true;
  while (kind.waiting.length > 0) {
    const batch = kind.waiting.splice(0, maxBatch);
    try {
      const held = new Set(await completeBatch(sql, batch.map((w) => w.completion)));
      for (const w of batch) w.resolve(held.has(w.completion.jobId));
    } catch (error) {
      // The statement is atomic: none of the batch was recorded. Alone, each caller hears why.
      if (batch.length === 1) batch[0]?.reject(error);
      else await Promise.all(batch.map((w) => completeBatch(sql, [w.completion]).then((held) => w.resolve(held.length > 0), w.reject)));
    }
  }
  kind.busy = false;
  kinds.delete(name);
}

async function completeBatch(sql: Sql, batch: readonly Completion[]): Promise<number[]> {
  // The event's row gets the latest success of the batch.
  const latest = batch.reduce((a, b) => (b.at > a.at ? b : a));
  const row = await sql.get<{ held: number[] | null }>(completeBatchSql, {
    ids: batch.map((c) => c.jobId),
    outputs: batch.map((c) => c.output),
    durations: batch.map((c) => Math.round(c.durationMs)),
    ats: batch.map((c) => isoTime(c.at)),
    worker: latest.workerId,
    ...eventSuccessParams(latest.eventId, latest.at),
  });
  return row?.held ?? [];
}
