import type { Database } from "better-sqlite3";
import { hostname } from "node:os";
import { prepared } from "./prepared.js";
import { isoTime } from "./time.js";

export interface LockHolder {
  owner: string;
  pid: number;
  host: string;
  heartbeat_at: string;
}

/**
 * Takes the database for this controller, unless another live one holds it
 * (its heartbeat younger than `staleMs`). Atomic: two controllers starting at
 * once cannot both win.
 */
export function acquireLock(db: Database, owner: string, now: Date, staleMs: number): { ok: true } | { ok: false; holder: LockHolder } {
  return db
    .transaction(() => {
      const holder = prepared<[], LockHolder>(db, "SELECT owner, pid, host, heartbeat_at FROM controller_lock WHERE id = 1").get();
      if (holder && holder.owner !== owner && now.getTime() - Date.parse(holder.heartbeat_at) < staleMs) return { ok: false as const, holder };
      const at = isoTime(now);
      prepared(
        db,
        `INSERT INTO controller_lock (id, owner, pid, host, acquired_at, heartbeat_at) VALUES (1, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, pid = excluded.pid, host = excluded.host, acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at`,
      ).run(owner, process.pid, hostname(), at, at);
      return { ok: true as const };
    })
    .immediate();
}

/** Keeps the lock alive; false when another controller took it over. */
export function refreshLock(db: Database, owner: string, now: Date): boolean {
  return prepared(db, "UPDATE controller_lock SET heartbeat_at = ? WHERE id = 1 AND owner = ?").run(isoTime(now), owner).changes > 0;
}

export function releaseLock(db: Database, owner: string): void {
  prepared(db, "DELETE FROM controller_lock WHERE id = 1 AND owner = ?").run(owner);
}
