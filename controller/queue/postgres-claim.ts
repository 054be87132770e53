import type { Sql } from "../store/sql/sql.js";
import type { ClaimParams, TakenJob } from "./claim-job.js";
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
// Within one transaction (the pool claims for all its free workers at once),
// the lock is re-entrant and the key's job this transaction just took reads
// as running, so it takes no second job of that key either.

/** The best ready head of a key that has no running job, outside `passed` (keys found busy). */
const keyedHeadSql = `
  WITH RECURSIVE${queuedKeysCte},
    free_keys (key) AS (
      SELECT key FROM keys
      WHERE key IS NOT NULL AND key <> ALL (@passed::text[])
        AND NOT EXISTS (SELECT 1 FROM job_queue r WHERE r.concurrency_key = keys.key AND r.status = 'running'))
  SELECT h.id, h.priority, h.run_at, h.concurrency_key
  FROM free_keys CROSS JOIN LATERAL (
    SELECT id, priority, run_at, concurrency_key FROM job_queue
    WHERE status = 'queued' AND concurrency_key = free_keys.key AND run_at <= @now
    ORDER BY priority, run_at, id LIMIT 1) h
  ORDER BY h.priority, h.run_at, h.id
  LIMIT 1`;

const freeHeadSql = `
  SELECT id FROM job_queue
  WHERE status = 'queued' AND concurrency_key IS NULL AND run_at <= @now
  ORDER BY priority, run_at, id
  LIMIT 1 FOR UPDATE SKIP LOCKED`;

/** The free head that goes before a keyed candidate, if there is one. */
const freeHeadBeforeSql = `
  SELECT id FROM job_queue
  WHERE status = 'queued' AND concurrency_key IS NULL AND run_at <= @now
    AND (priority, run_at, id) < (@priority, @run_at, @id)
  ORDER BY priority, run_at, id
  LIMIT 1 FOR UPDATE SKIP LOCKED`;

const tryKeyLockSql = "SELECT pg_try_advisory_xact_lock(hashtextextended(@name, 0)) AS locked";

/** Under the key's lock: its best ready job, unless one of the key is running. */
const keyHeadSql = `
  SELECT id FROM job_queue
  WHERE status = 'queued' AND concurrency_key = @key AND run_at <= @now
    AND NOT EXISTS (SELECT 1 FROM job_queue r WHERE r.concurrency_key = @key AND r.status = 'running')
  ORDER BY priority, run_at, id
  LIMIT 1 FOR UPDATE SKIP LOCKED`;

export const takeJobSql = `
  UPDATE job_queue
  SET status = 'running', lease_owner = @worker, lease_expires_at = @expires, attempts = attempts + 1, updated_at = @now,
      process_group = NULL, process_host = NULL
  WHERE id = @id AND status = 'queued'
  RETURNING id, run_id, event_id, attempts, max_attempts`;

interface KeyedHead {
  id: number;
  priority: number;
  run_at: string;
  concurrency_key: string;
}

/** Takes the best ready job, as claimJobSql does on SQLite; inside the claim's transaction. */
export async function claimOnPostgres(tx: Sql, params: ClaimParams): Promise<TakenJob | undefined> {
  const passed: string[] = [];
  for (;;) {
    const keyed = await tx.get<KeyedHead>(keyedHeadSql, { now: params.now, passed });
    const free = keyed
      ? await tx.get<{ id: number }>(freeHeadBeforeSql, { now: params.now, priority: keyed.priority, run_at: keyed.run_at, id: keyed.id })
      : await tx.get<{ id: number }>(freeHeadSql, { now: params.now });
    if (free) return tx.get<TakenJob>(takeJobSql, { ...params, id: free.id });
    if (!keyed) return undefined;
    const taken = await takeKeyed(tx, keyed.concurrency_key, params);
    if (taken) return taken;
    // The key is being claimed elsewhere, or turned busy since the pick: the next best, without it.
    passed.push(keyed.concurrency_key);
  }
}

async function takeKeyed(tx: Sql, key: string, params: ClaimParams): Promise<TakenJob | undefined> {
  const lock = await tx.get<{ locked: boolean }>(tryKeyLockSql, { name: `concurrency:${key}` });
  if (!lock?.locked) return undefined;
  const head = await tx.get<{ id: number }>(keyHeadSql, { key, now: params.now });
  return head ? tx.get<TakenJob>(takeJobSql, { ...params, id: head.id }) : undefined;
}
