import { EventEmitter } from "node:events";
import type { Database } from "better-sqlite3";
import { type Clock, systemClock } from "../clock.js";
import { nextDueAt } from "../store/due-events.js";
import { type Fired, fireDueEvents } from "./fire-due-events.js";

export interface SchedulerEvents {
  /** Runs were queued for due slots. */
  fired: [Fired[]];
  error: [Error];
}

/**
 * Fires events at their due time: a timer to the next due event (not a coarse
 * tick), re-armed after every firing and whenever the definitions change
 * (`poke`). It never sleeps longer than `maxSleepMs` (ENGINE_TICK_SECONDS),
 * so a clock change or a row written by another process is noticed.
 */
export class Scheduler extends EventEmitter<SchedulerEvents> {
  private timer: unknown;
  private running = false;
  private readonly clock: Clock;

  constructor(
    private readonly db: Database,
    private readonly options: { clock?: Clock; maxSleepMs?: number } = {},
  ) {
    super();
    this.clock = options.clock ?? systemClock;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.wake();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The definitions changed (a reconcile): re-check now and re-arm the timer. */
  poke(): void {
    if (this.running) this.wake();
  }

  private wake(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.running) return;
    try {
      const fired = fireDueEvents(this.db, this.clock.now());
      if (fired.length > 0) this.emit("fired", fired);
    } catch (error) {
      this.emit("error", error instanceof Error ? error : new Error(String(error)));
    }
    let due: Date | undefined;
    try {
      due = nextDueAt(this.db);
    } catch (error) {
      // A store that cannot answer: look again after the longest sleep.
      this.emit("error", error instanceof Error ? error : new Error(String(error)));
    }
    const max = this.options.maxSleepMs ?? 30_000;
    const wait = due ? Math.min(max, Math.max(0, due.getTime() - this.clock.now().getTime())) : max;
    this.timer = this.clock.setTimeout(() => this.wake(), wait);
  }
}
