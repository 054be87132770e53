import { hostname } from "node:os";
import { type Fence, heartbeatSql, holdLockSql, nextTokenSql, processAlive, releaseSql } from "./controller-lock.js";
import type { Sql } from "./sql/sql.js";
import { isoTime } from "./time.js";

/**
 * Leadership among controllers sharing one PostgreSQL database (issue 16):
 * the leader alone runs the reconciler and the scheduler; every controller
 * runs workers and serves the API. The lease is SQLite's controller lock row
 * (controller_lock), held by heartbeats; a lapsed lease is taken over with a
 * new fencing token from controller_fence, so the old leader's fenced writes
 * fail once it is replaced. Lease times are the database's own clock, so
 * controllers on machines whose clocks disagree still agree on who leads.
 */
export interface Candidate {
  owner: string;
  pid?: number;
  host?: string;
}

export interface LeaseHolder {
  owner: string;
  host: string;
  heartbeat_at: string;
  token: number;
}

/**
 * Takes the lease when no one holds it, its holder's heartbeat is older than
 * `leaseMs` or its holder ran on this host and its pid is gone, or the candidate already holds it (a restart with the same
 * owner). Returns the new fence, or undefined while another leads. Serialised
 * by a transaction lock, so two candidates cannot both win.
 */
export async function takeLease(sql: Sql, candidate: Candidate, leaseMs: number, alive: (pid: number) => boolean = processAlive): Promise<Fence | undefined> {
  const host = candidate.host ?? hostname();
  return sql.transaction(async (tx) => {
    await tx.lock("nexaas:leader");
    const now = await storeNow(tx);
    const holder = await tx.get<LeaseHolder & { pid: number }>("SELECT owner, pid, host, heartbeat_at, token FROM controller_lock WHERE id = 1");
    // As SQLite's lock: a leader that ran on this host and whose pid is gone (kill -9, the OOM killer) is not waited out.
    const gone = holder !== undefined && holder.host === host && !alive(holder.pid);
    if (holder && holder.owner !== candidate.owner && now.getTime() - Date.parse(holder.heartbeat_at) < leaseMs && !gone) return undefined;
    const token = (await tx.get<{ token: number }>(nextTokenSql))?.token ?? 0;
    await tx.run(holdLockSql, { owner: candidate.owner, pid: candidate.pid ?? process.pid, host, at: isoTime(now), token });
    return { owner: candidate.owner, token };
  });
}

/** Keeps the lease; false when it was taken over (the fence no longer holds): stop leading at once. */
export async function renewLease(sql: Sql, fence: Fence): Promise<boolean> {
  const now = await storeNow(sql);
  const renewed = await sql.run(heartbeatSql, [isoTime(now), fence.owner, fence.token]);
  return renewed.changes > 0;
}

/** Gives the lease up (a clean stop), so another controller takes over at its next try, not a lease later. */
export async function releaseLease(sql: Sql, fence: Fence): Promise<void> {
  await sql.run(releaseSql, [fence.owner, fence.token]);
}

/** The store's clock: PostgreSQL's own time, so every controller measures leases alike; SQLite's is this machine's. */
async function storeNow(sql: Sql): Promise<Date> {
  if (sql.dialect === "sqlite") return new Date();
  const row = await sql.get<{ now: string }>(`SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS now`);
  return row ? new Date(row.now) : new Date();
}
