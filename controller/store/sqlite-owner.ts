import type { Database } from "better-sqlite3";
import type { Clock } from "../clock.js";
import { type Fence, fenceWrites, refreshLock, releaseLock, takeLock } from "./controller-lock.js";
import { sqliteSql } from "./sql/sqlite-sql.js";
import { type FileIdentity, fileFault, fileIdentity, type StoreFault } from "./store-fault.js";

/** What the owner's heartbeat found: the lock lost, a fault of the file, or all well (a write went through). */
export interface HeartbeatReport {
  lost(): void;
  fault(fault: StoreFault): void;
  error(error: unknown): void;
  alive(): void;
}

/**
 * The one controller that owns a SQLite file: its lock (taken, or waited for
 * with standby), whose token fences every write through the connection's Sql;
 * the heartbeat that keeps it, every third of a lease, which is also the
 * store's pulse (the file is still the one opened, sound and writable); and
 * busy_timeout, shortened while a fault lasts.
 */
export class SqliteOwner {
  private timer: unknown;
  private readonly busyTimeoutMs: number;

  private constructor(
    private readonly db: Database,
    readonly fence: Fence,
    private readonly file: FileIdentity | undefined,
    private readonly o: { clock: Clock; leaseMs: number },
  ) {
    const busyTimeout = Number(db.pragma("busy_timeout", { simple: true }));
    this.busyTimeoutMs = Number.isFinite(busyTimeout) ? busyTimeout : 5000;
  }

  /** Takes the database (takeLock: ControllerLockedError, or a standby's wait) and fences its writes. */
  static async take(db: Database, owner: string, o: Parameters<typeof takeLock>[2]): Promise<SqliteOwner> {
    // The file as opened, before anything else can replace it.
    const file = fileIdentity(db.name);
    const fence = await takeLock(db, owner, o);
    fenceWrites(sqliteSql(db), fence);
    return new SqliteOwner(db, fence, file, o);
  }

  /** Beats every third of a lease (at least every second) until `stop()`. */
  keep(report: HeartbeatReport): void {
    this.timer = this.o.clock.setInterval(() => this.beat(report), Math.max(1000, Math.floor(this.o.leaseMs / 3)));
  }

  stop(): void {
    this.o.clock.clearInterval(this.timer);
  }

  /**
   * While a fault lasts a write waits for the file's lock briefly instead of
   * busy_timeout, as better-sqlite3 waits on the event loop: five seconds per
   * attempt kept the API (health 503) from answering at all.
   */
  hold(): void {
    this.db.pragma("busy_timeout = 100");
  }

  resume(): void {
    this.db.pragma(`busy_timeout = ${this.busyTimeoutMs}`);
  }

  /** Gives the database up; throws when the file refuses even this (the lock is then taken over after one lease). */
  release(): void {
    this.stop();
    releaseLock(this.db, this.fence);
  }

  private beat(report: HeartbeatReport): void {
    const file = this.file ? fileFault(this.db.name, this.file) : undefined;
    if (file?.kind === "fatal") return report.fault(file);
    try {
      if (!refreshLock(this.db, this.fence, this.o.clock.now())) return report.lost();
      // A read-only file still takes the lock's heartbeat (through the open descriptor): the
      // database stays this controller's while it holds back, so no standby takes it over meanwhile.
      if (file) report.fault(file);
      else report.alive();
    } catch (error) {
      report.error(error);
    }
  }
}
