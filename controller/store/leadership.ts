import { EventEmitter } from "node:events";
import type { Clock } from "../clock.js";
import { errorMessage } from "../error-message.js";
import type { Logger } from "../log.js";
import { type Fence, fenceWrites } from "./controller-lock.js";
import { LeaderElector } from "./leader-elector.js";
import type { Sql } from "./sql/sql.js";

/** What only the leader runs: the reconciler, the scheduler and retention. */
export interface LeaderParts {
  start(): Promise<void>;
  /** Stops them; a firing or a reconcile under way ends first. */
  stop(): Promise<void>;
}

export interface LeadershipEvents {
  /** Elected: `fenced` is fenced by this token and the leader's parts are starting. */
  leading: [Fence];
  /** Leads no more (taken over, stopped, cut off for a lease, or its parts would not start); the controller goes on working. */
  following: [];
  /** A try reached the store: it answers again after a fault. */
  reached: [];
  error: [Error];
}

/**
 * A controller's part in the election on a shared PostgreSQL database (issue
 * 16): it stands for leader under a lease (LeaderElector), and while it leads
 * it runs the leader's parts, whose writes go through `fenced`, a handle fenced
 * by the lease's token. Changes are made one after the other, as an election
 * can follow a deposition at once.
 */
export class Leadership extends EventEmitter<LeadershipEvents> {
  private readonly elector: LeaderElector;
  private changes: Promise<void> = Promise.resolve();
  private leads = false;
  private ended = false;

  constructor(
    sql: Sql,
    private readonly fenced: Sql,
    private readonly parts: LeaderParts,
    private readonly options: { owner: string; leaseMs: number; clock: Clock; log: Logger },
  ) {
    super();
    this.elector = new LeaderElector(sql, { owner: options.owner }, { leaseMs: options.leaseMs, clock: options.clock });
    this.elector.on("elected", (fence) => this.change(fence));
    this.elector.on("deposed", () => this.change(undefined));
    this.elector.on("reached", () => this.emit("reached"));
    this.elector.on("error", (error) => this.emit("error", error));
  }

  get leading(): boolean {
    return this.leads;
  }

  /** Stands for leader now and every third of a lease; resolves after the first try, and a won lead's parts started. */
  async start(): Promise<void> {
    await this.elector.start();
    await this.changes;
  }

  /** A fenced write met a newer token: another controller leads. Follows at once, before the elector's next renewal says so. */
  follow(): void {
    this.change(undefined);
  }

  /** Stops the leader's parts, then gives the lease up, so a follower leads at its next try rather than a lease later. */
  async stop(): Promise<void> {
    this.ended = true;
    this.follow();
    await this.changes;
    await this.elector.stop();
    await this.changes;
  }

  private change(fence: Fence | undefined): void {
    this.changes = this.changes.then(() => (fence ? this.lead(fence) : this.stepDown()));
    this.changes.catch((error: unknown) => this.emit("error", error instanceof Error ? error : new Error(String(error))));
  }

  private async lead(fence: Fence): Promise<void> {
    if (this.ended) return;
    fenceWrites(this.fenced, fence);
    this.leads = true;
    this.options.log.info({ owner: this.options.owner, token: fence.token }, "leading: this controller reconciles and schedules");
    this.emit("leading", fence);
    try {
      await this.parts.start();
    } catch (error) {
      // No repository, say: the lease is given up so that another controller can lead.
      this.options.log.error({ err: errorMessage(error) }, "could not start leading: stepping down; this controller goes on working, and stands for leader again when restarted");
      this.ended = true;
      await this.stepDown();
      void this.elector.stop();
    }
  }

  private async stepDown(): Promise<void> {
    if (!this.leads) return;
    this.leads = false;
    await this.parts.stop();
    if (!this.ended) this.options.log.warn({ owner: this.options.owner }, "no longer leading: another controller reconciles and schedules; this one goes on working");
    this.emit("following");
  }
}
