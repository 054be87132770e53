import type { Database } from "better-sqlite3";
import { hostname } from "node:os";
import type { Clock } from "../clock.js";
import { prepared } from "./prepared.js";
import type { Sql } from "./sql/sql.js";
import { StoreError } from "./store-error.js";
import { isoTime } from "./time.js";

// The lock row's statements, shared by SQLite's one owner (here) and PostgreSQL's leader lease
// (leader-lease.ts): one row, id 1, whose token is the fence.
export const nextTokenSql = "UPDATE controller_fence SET token = token + 1 WHERE id = 1 RETURNING token";
export const holdLockSql = `
  INSERT INTO controller_lock (id, owner, pid, host, acquired_at, heartbeat_at, token) VALUES (1, @owner, @pid, @host, @at, @at, @token)
  ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, pid = excluded.pid, host = excluded.host,
    acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at, token = excluded.token`;
export const heartbeatSql = "UPDATE controller_lock SET heartbeat_at = ? WHERE id = 1 AND owner = ? AND token = ?";
export const releaseSql = "DELETE FROM controller_lock WHERE id = 1 AND owner = ? AND token = ?";

export interface LockHolder {
  owner: string;
  pid: number;
  host: string;
  heartbeat_at: string;
}

/** This controller's hold on the database: its name and the fencing token of this acquisition. */
export interface Fence {
  owner: string;
  token: number;
}

/** Whether a process of this host still exists (EPERM: it does, and is someone else's). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return !(error instanceof Error && "code" in error && error.code === "ESRCH");
  }
}

/**
 * Takes the database for this controller, unless another live one holds it.
 * The holder is gone when its heartbeat is older than one lease, or at once
 * when it ran on this host and its pid no longer exists (a crash needs no
 * wait). Each acquisition gets a new fencing token. Atomic: two controllers
 * starting at once cannot both win.
 */
export function acquireLock(
  db: Database,
  owner: string,
  now: Date,
  leaseMs: number,
  alive: (pid: number) => boolean = processAlive,
): { ok: true; token: number } | { ok: false; holder: LockHolder } {
  const host = hostname();
  return db
    .transaction(() => {
      const holder = prepared<[], LockHolder>(db, "SELECT owner, pid, host, heartbeat_at FROM controller_lock WHERE id = 1").get();
      const live = holder && holder.owner !== owner && now.getTime() - Date.parse(holder.heartbeat_at) < leaseMs && !(holder.host === host && !alive(holder.pid));
      if (holder && live) return { ok: false as const, holder };
      const token = prepared<[], number>(db, nextTokenSql).pluck().get() ?? 0;
      prepared(db, holdLockSql).run({ owner, pid: process.pid, host, at: isoTime(now), token });
      return { ok: true as const, token };
    })
    .immediate();
}

/** The database is another live controller's, and this one does not stand by. */
export class ControllerLockedError extends Error {}

/**
 * Takes the database (acquireLock). While another live controller holds it:
 * throws ControllerLockedError, or with `standby` looks again every `pollMs`
 * until it is free, saying `waiting` once per owner (a standby may wait for
 * days), until `stopped()`.
 */
export async function takeLock(
  db: Database,
  owner: string,
  o: { clock: Clock; leaseMs: number; standby: boolean; pollMs: number; waiting: (holder: string) => void; stopped: () => boolean },
): Promise<Fence> {
  let waitingFor: string | undefined;
  for (;;) {
    const lock = acquireLock(db, owner, o.clock.now(), o.leaseMs);
    if (lock.ok) return { owner, token: lock.token };
    const h = lock.holder;
    const holder = `pid ${h.pid} on ${h.host}, last seen ${h.heartbeat_at}`;
    if (!o.standby) {
      throw new ControllerLockedError(
        `another controller owns this database: ${holder}; stop it first, wait ${Math.round(o.leaseMs / 1000)}s after it died, or start this one with --standby to take over when it ends`,
      );
    }
    if (waitingFor !== h.owner) o.waiting(holder);
    waitingFor = h.owner;
    await new Promise<void>((resolve) => o.clock.setTimeout(resolve, o.pollMs));
    if (o.stopped()) throw new ControllerLockedError("stopped while standing by");
  }
}

/**
 * Keeps the lock alive; false when another controller took it over. A lease
 * that ran out while the store was failing is taken back here if no one else
 * took it meanwhile: the token is still ours.
 */
export function refreshLock(db: Database, fence: Fence, now: Date): boolean {
  return prepared(db, heartbeatSql).run(isoTime(now), fence.owner, fence.token).changes > 0;
}

export function releaseLock(db: Database, fence: Fence): void {
  prepared(db, releaseSql).run(fence.owner, fence.token);
}

const fences = new WeakMap<Sql, Fence>();
const fenceSql = "SELECT 1 AS held FROM controller_lock WHERE id = 1 AND owner = ? AND token = ?";
const lockLost = () => new StoreError("this controller lost the database's lock to another controller: it changes nothing more", "lock-lost");

/** From now on, every fenced write through `sql` first checks that this fence still holds the lock. */
export function fenceWrites(sql: Sql, fence: Fence): void {
  fences.set(sql, fence);
}

/**
 * Whether fenced writes through `sql` check a fence (a controller's handle) or pass (the CLI's, a
 * PostgreSQL follower's: no fence is set). The PostgreSQL queue does its single-statement writes
 * without a transaction around them only when there is no fence to check with them.
 */
export function hasFence(sql: Sql): boolean {
  return fences.has(sql);
}

/**
 * Inside a write transaction: throws a StoreError "lock-lost" when this
 * handle's controller no longer holds the lock, so the transaction rolls back
 * and nothing changes. A handle with no fence (the CLI) is not a controller
 * and passes.
 */
export async function checkFence(sql: Sql): Promise<void> {
  const fence = fences.get(sql);
  if (fence && !(await fenceHolds(sql, fence))) throw lockLost();
}

/**
 * Inside a write transaction: whether `fence` still holds the lock. On PostgreSQL the lock row is
 * share-locked until the transaction ends: a takeover waits for this write to commit, and every
 * later write of the old holder sees the new token. On SQLite the write lock already excludes it.
 */
export async function fenceHolds(tx: Sql, fence: Fence): Promise<boolean> {
  const text = tx.dialect === "postgres" ? `${fenceSql} FOR SHARE` : fenceSql;
  return (await tx.get(text, [fence.owner, fence.token])) !== undefined;
}
