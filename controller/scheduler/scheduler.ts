import { EventEmitter } from "node:events";
import { type Clock, systemClock } from "../clock.js";
import { nextDueAt } from "../store/due-events.js";
import type { Sql } from "../store/sql/sql.js";
import { type Fired, fireDueEvents } from "./fire-due-events.js";

/**
 * Node runs a timer 0-2 ms after its time (its loop clock has whole
 * milliseconds), which alone would spend most of a due run's 5 ms budget. On
 * the system clock the wake is armed this much early and the last moment is
 * waited out on the spot; a fake clock fires its timers exactly on time.
 */
const leadMs = 2;

export interface SchedulerEvents {
  /** Runs were queued for due slots. */
  fired: [Fired[]];
  error: [Error];
}

/**
 * Fires events at their due time: a timer to the next due event (not a coarse
 * tick), re-armed after every firing and whenever the definitions change
 * (`poke`). It never sleeps longer than `maxSleepMs` (ENGINE_TICK_SECONDS),
 * so a clock change or a row written by another process is noticed. A wake
 * asked for while one is under way (a poke, a timer) runs once it ends, never
 * beside it: two at once would fire one due second twice over (the slot key
 * would drop the second's runs, but not its work) and arm two timers.
 */
export class Scheduler extends EventEmitter<SchedulerEvents> {
  private timer: unknown;
  private running = false;
  private readonly clock: Clock;
  /** The wake under way: firing, then arming the timer. */
  private waking: Promise<void> | undefined;
  /** A wake was asked for meanwhile: it runs when this one ends. */
  private wakeAgain = false;

  constructor(
    private readonly sql: Sql,
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

  /** No more wakes; one under way ends without arming a timer (`idle` waits for it). */
  stop(): void {
    this.running = false;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Resolves when no wake is under way: after `stop`, the scheduler writes nothing more. */
  async idle(): Promise<void> {
    while (this.waking) await this.waking;
  }

  /** The definitions changed (a reconcile): re-check now and re-arm the timer. */
  poke(): void {
    if (this.running) this.wake();
  }

  private wake(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.running) return;
    if (this.waking) {
      this.wakeAgain = true;
      return;
    }
    this.waking = this.fireAndArm().finally(() => {
      this.waking = undefined;
      if (this.wakeAgain) {
        this.wakeAgain = false;
        this.wake();
      }
    });
  }

  private async fireAndArm(): Promise<void> {
    try {
      const fired = await fireDueEvents(this.sql, this.clock.now());
      if (fired.length > 0) this.emit("fired", fired);
    } catch (error) {
      this.emit("error", error instanceof Error ? error : new Error(String(error)));
    }
    let due: Date | undefined;
    try {
      due = await nextDueAt(this.sql);
    } catch (error) {
      // A store that cannot answer: look again after the longest sleep.
      this.emit("error", error instanceof Error ? error : new Error(String(error)));
    }
    // Stopped meanwhile: no timer. Asked again meanwhile: that wake arms it.
    if (!this.running || this.wakeAgain) return;
    const max = this.options.maxSleepMs ?? 30_000;
    const wait = due ? Math.min(max, Math.max(0, due.getTime() - this.clock.now().getTime())) : max;
    const lead = this.clock === systemClock && due && wait < max ? Math.min(leadMs, wait) : 0;
    this.timer = this.clock.setTimeout(() => this.wakeAt(lead > 0 ? due : undefined), wait - lead);
  }

  /** Wakes at `due` exactly: a timer armed early waits out its last moment (at most leadMs and a little more). */
  private wakeAt(due: Date | undefined): void {
    if (due) {
      const giveUp = performance.now() + leadMs + 1;
      while (this.clock.now().getTime() < due.getTime() && performance.now() < giveUp) {
        // Waiting out under 2 ms: a timer could not be this precise.
      }
    }
    this.wake();
  }
}
