import { keepPrepared } from "../store/sql/placeholders.js";
import type { Sql } from "../store/sql/sql.js";
import type { ClaimedJob, ClaimParams } from "./claim-job.js";
import type { RunTrigger } from "./enqueue-run.js";
import { immediate, unfencedPostgres } from "./immediate.js";
import { queuedKeysCte } from "./queued-keys.js";

// PostgreSQL's claim, for several controllers (each with several workers) on
// one database. READ COMMITTED gives every statement a fresh snapshot but
// holds nothing between them, so SQLite's single UPDATE ... WHERE id = (pick)
// could give one job to two claimers. Instead:
//   - A job without a concurrency key is picked and row-locked at once with
//     FOR UPDATE SKIP LOCKED: a job another claimer is taking is passed over,
//     not waited for, and one it took meanwhile no longer reads as queued
//     when its row is re-checked. Only the holder of the row lock takes it.
//   - A row lock cannot keep "at most one running job per key": two claimers
//     would lock two different jobs of one key. So a keyed job is taken under
//     the key's transaction-level advisory lock, and the key's running jobs are
//     counted after the lock is held. Every claimer of a key holds that lock
//     until it commits, so whoever holds it sees every running job of the key.
//     The lock is tried (pg_try_advisory_xact_lock), not waited for: a key
//     being claimed elsewhere is busy, and the claim moves on to other work,
//     as SKIP LOCKED does for rows. A lock row per key would do the same, at
//     the cost of a table to keep; advisory locks vanish with the transaction.
// Within one transaction (a caller's, claiming several), the lock is
// re-entrant and the key's job this transaction just took reads as running, so
// it takes no second job of that key either.
//
// Round trips: a claim is one statement for all the jobs without a key that
// go before the best keyed one (the pool claims for every free worker at
// once), taking each job, starting its run and reading its event's spec (the
// worker needs it next) together. Only a keyed job costs a transaction of its
// own: BEGIN, the key's lock, its take, COMMIT. The lock cannot share the
// take's statement: a statement's snapshot is taken before the lock is held,
// and could miss a job of the key that its last holder committed running.

/** One claimed job, with its event's stored spec (null: no such event), read in the claim's statement. */
export interface PostgresClaim {
  job: ClaimedJob;
  spec: string | null;
}

/** The best ready head of a key that has no running job, outside `passed` (keys found busy or being claimed elsewhere). */
const keyedHeadCte = `
    free_keys (key) AS (
      SELECT key FROM keys
      WHERE key IS NOT NULL AND key <> ALL (@passed::text[])
        AND NOT EXISTS (SELECT 1 FROM job_queue r WHERE r.concurrency_key = keys.key AND r.status = 'running')),
    keyed AS (
      SELECT h.id, h.priority, h.run_at, h.concurrency_key
      FROM free_keys CROSS JOIN LATERAL (
        SELECT id, priority, run_at, concurrency_key FROM job_queue
        WHERE status = 'queued' AND concurrency_key = free_keys.key AND run_at <= @now
        ORDER BY priority, run_at, id LIMIT 1) h
      ORDER BY h.priority, h.run_at, h.id
      LIMIT 1)`;

/**
 * After a CTE `picked (id)` of locked queued jobs: takes them (leased to @worker), starts their
 * runs, and returns them as one JSON array in claim order, each with its event's spec.
 */
const takeAndStartCtes = `
    taken AS (
      UPDATE job_queue j
      SET status = 'running', lease_owner = @worker, lease_expires_at = @expires, attempts = j.attempts + 1, updated_at = @now,
          process_group = NULL, process_host = NULL
      FROM picked WHERE j.id = picked.id
      RETURNING j.id, j.run_id, j.event_id, j.attempts, j.max_attempts, j.priority, j.run_at),
    started AS (
      UPDATE event_runs r SET status = 'running', started_at = @now, attempt = taken.attempts
      FROM taken WHERE r.id = taken.run_id
      RETURNING r.id, r.scheduled_for, r.trigger, r.payload)`;

const takenJson = `
    (SELECT json_agg(json_build_object(
        'id', t.id, 'run_id', t.run_id, 'event_id', t.event_id, 'attempts', t.attempts, 'max_attempts', t.max_attempts,
        'scheduled_for', s.scheduled_for, 'trigger', s.trigger, 'payload', s.payload, 'spec', e.spec)
      ORDER BY t.priority, t.run_at, t.id)
     FROM taken t JOIN started s ON s.id = t.run_id LEFT JOIN events e ON e.name = t.event_id)`;

/**
 * Up to @limit jobs without a key, those that go before the best keyed head (`keyed`, returned
 * too): FOR UPDATE SKIP LOCKED passes over jobs another claimer is taking, and re-checks each row
 * it locks, so a job taken meanwhile no longer reads as queued. Fewer than @limit when the rest
 * are being taken elsewhere or the keyed head comes next.
 */
const claimFreeSql = keepPrepared(`
  WITH RECURSIVE${queuedKeysCte},${keyedHeadCte},
    picked AS (
      SELECT id FROM job_queue
      WHERE status = 'queued' AND concurrency_key IS NULL AND run_at <= @now
        AND NOT EXISTS (SELECT 1 FROM keyed k WHERE (k.priority, k.run_at, k.id) < (job_queue.priority, job_queue.run_at, job_queue.id))
      ORDER BY priority, run_at, id
      LIMIT @limit FOR UPDATE SKIP LOCKED),${takeAndStartCtes}
  SELECT ${takenJson} AS jobs, (SELECT row_to_json(keyed) FROM keyed) AS keyed`);

const tryKeyLockSql = "SELECT pg_try_advisory_xact_lock(hashtextextended(@name, 0)) AS locked";

/** Under the key's lock (so after it, in a fresh snapshot): its best ready job, unless one of the key is running. */
const claimKeyedSql = keepPrepared(`
  WITH picked AS (
      SELECT id FROM job_queue
      WHERE status = 'queued' AND concurrency_key = @key AND run_at <= @now
        AND NOT EXISTS (SELECT 1 FROM job_queue r WHERE r.concurrency_key = @key AND r.status = 'running')
      ORDER BY priority, run_at, id
      LIMIT 1 FOR UPDATE SKIP LOCKED),${takeAndStartCtes}
  SELECT ${takenJson} AS jobs`);

interface TakenRow {
  id: number;
  run_id: number;
  event_id: string;
  attempts: number;
  max_attempts: number;
  scheduled_for: string;
  trigger: RunTrigger;
  payload: string | null;
  spec: string | null;
}

interface KeyedHead {
  id: number;
  priority: number;
  run_at: string;
  concurrency_key: string;
}

/**
 * Claims up to `limit` ready jobs in claimJobSql's order (as that many claims one after another
 * would on SQLite), with each job's event spec. Fenced handles claim inside immediate(); others
 * with no transaction around the statements (a keyed take has its own).
 */
export function claimOnPostgres(sql: Sql, params: ClaimParams, limit: number): Promise<PostgresClaim[]> {
  return unfencedPostgres(sql) ? claimBatch(sql, params, limit) : immediate(sql, (tx) => claimBatch(tx, params, limit));
}

async function claimBatch(sql: Sql, params: ClaimParams, limit: number): Promise<PostgresClaim[]> {
  const claims: PostgresClaim[] = [];
  const passed: string[] = [];
  while (claims.length < limit) {
    const free = await sql.get<{ jobs: TakenRow[] | null; keyed: KeyedHead | null }>(claimFreeSql, { ...params, limit: limit - claims.length, passed });
    claims.push(...(free?.jobs ?? []).map(claimOf));
    const keyed = free?.keyed;
    if (!keyed || claims.length >= limit) break;
    // The keyed head goes next (the free jobs before it are taken, or being taken elsewhere).
    const taken = await sql.transaction(async (tx) => {
      const lock = await tx.get<{ locked: boolean }>(tryKeyLockSql, { name: `concurrency:${keyed.concurrency_key}` });
      if (!lock?.locked) return undefined;
      return (await tx.get<{ jobs: TakenRow[] | null }>(claimKeyedSql, { ...params, key: keyed.concurrency_key }))?.jobs?.[0];
    });
    if (taken) claims.push(claimOf(taken));
    // Being claimed elsewhere, or busy since the pick: the next best, without it.
    else passed.push(keyed.concurrency_key);
  }
  return claims;
}

function claimOf(row: TakenRow): PostgresClaim {
  return {
    job: {
      jobId: row.id,
      runId: row.run_id,
      eventId: row.event_id,
      attempt: row.attempts,
      maxAttempts: row.max_attempts,
      payload: row.payload === null ? null : JSON.parse(row.payload),
      scheduledFor: row.scheduled_for,
      trigger: row.trigger,
    },
    spec: row.spec,
  };
}
