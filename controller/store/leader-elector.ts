import { EventEmitter } from "node:events";
import { type Clock, systemClock } from "../clock.js";
import type { Fence } from "./controller-lock.js";
import { type Candidate, releaseLease, renewLease, takeLease } from "./leader-lease.js";
import type { Sql } from "./sql/sql.js";

export interface LeaderElectorEvents {
  /** This controller leads from now on: start the reconciler and the scheduler, fenced by `fence`. */
  elected: [Fence];
  /** It leads no more (taken over, or the store unreachable for a whole lease): stop them at once. */
  deposed: [];
  /** A try reached the store (a renewal, a takeover, or seeing another lead): the store answers again after a fault. */
  reached: [];
  error: [Error];
}

/**
 * Every controller on a shared PostgreSQL database runs one: it tries for the
 * lease every third of a lease, and the leader renews it as often. A leader
 * that dies is replaced within about one lease (its heartbeat lapses, and a
 * follower tries again within a third of a lease); one that cannot renew for a
 * whole lease assumes a takeover and steps down by itself.
 */
export class LeaderElector extends EventEmitter<LeaderElectorEvents> {
  private timer: unknown;
  private running = false;
  private held: Fence | undefined;
  private renewedAt = 0;
  private trying: Promise<void> | undefined;
  private readonly clock: Clock;

  constructor(
    private readonly sql: Sql,
    private readonly candidate: Candidate,
    private readonly options: { leaseMs: number; clock?: Clock },
  ) {
    super();
    this.clock = options.clock ?? systemClock;
  }

  get fence(): Fence | undefined {
    return this.held;
  }

  /** Tries at once, then every third of a lease. Resolves after the first try. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.tick();
  }

  /** Stops trying; a leader gives the lease up so a follower takes over at its next try. */
  async stop(): Promise<void> {
    this.running = false;
    this.clock.clearTimeout(this.timer);
    await this.trying;
    const fence = this.held;
    if (!fence) return;
    this.held = undefined;
    this.emit("deposed");
    await releaseLease(this.sql, fence).catch((error: unknown) => this.emit("error", asError(error)));
  }

  private tick(): Promise<void> {
    this.trying = this.tryOnce().finally(() => {
      this.trying = undefined;
      if (this.running) this.timer = this.clock.setTimeout(() => void this.tick(), Math.max(1, Math.floor(this.options.leaseMs / 3)));
    });
    return this.trying;
  }

  private async tryOnce(): Promise<void> {
    const now = this.clock.now().getTime();
    try {
      if (this.held) {
        const renewed = await renewLease(this.sql, this.held);
        this.emit("reached");
        if (renewed) this.renewedAt = now;
        else this.stepDown();
        return;
      }
      const fence = await takeLease(this.sql, this.candidate, this.options.leaseMs);
      this.emit("reached");
      if (fence && this.running) {
        this.held = fence;
        this.renewedAt = now;
        this.emit("elected", fence);
      }
    } catch (error) {
      this.emit("error", asError(error));
      // Unreachable for a whole lease: another controller may lead by now.
      if (this.held && now - this.renewedAt >= this.options.leaseMs) this.stepDown();
    }
  }

  private stepDown(): void {
    this.held = undefined;
    this.emit("deposed");
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
