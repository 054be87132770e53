import type { Clock } from "../../controller/clock.js";

interface Timer {
  at: number;
  fn: () => void;
  /** Set for an interval: it is re-armed this much later each time it fires. */
  every?: number;
}

/** A clock moved by hand: timers and intervals fire, in order, only when `advance` passes their time. */
export class FakeClock implements Clock {
  private timers = new Map<number, Timer>();
  private nextId = 1;
  private quiet: (() => Promise<void>) | undefined;

  constructor(private current: number) {}

  now(): Date {
    return new Date(this.current);
  }

  setTimeout(fn: () => void, ms: number): unknown {
    return this.arm({ at: this.current + Math.max(0, ms), fn });
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  setInterval(fn: () => void, ms: number): unknown {
    // As Node does, an interval is at least 1 ms, so `advance` always ends.
    const every = Math.max(1, ms);
    return this.arm({ at: this.current + every, fn, every });
  }

  clearInterval(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /**
   * Moves time forward by `ms`, firing every timer due on the way (an interval
   * as often as it falls due). Between timers, and before the first, the work
   * they started runs to its next wait (the store's statements, a timer
   * re-armed after them): the scheduler and the pool are asynchronous, and a
   * timer they arm after their work must be there for the rest of the advance,
   * as it would be on the real clock.
   */
  async advance(ms: number): Promise<void> {
    const end = this.current + ms;
    await this.settle();
    for (;;) {
      const due = this.earliest(end);
      if (!due) break;
      const [id, timer] = due;
      this.current = Math.max(this.current, timer.at);
      if (timer.every === undefined) this.timers.delete(id);
      else timer.at += timer.every;
      timer.fn();
      await this.settle();
    }
    this.current = end;
  }

  /**
   * Between timers, `advance` also waits for `quiet` to resolve. One turn of the
   * event loop finishes SQLite's statements (they run at once), not
   * PostgreSQL's: a controller on PostgreSQL passes a wait for its scheduler and
   * pool to be idle, so the timers they re-arm after their statements are armed
   * at the time they would be on SQLite, not after the advance is over.
   */
  settleWith(quiet: () => Promise<void>): void {
    this.quiet = quiet;
  }

  /** Sets the wall clock (it may go back), firing nothing by itself. */
  set(date: Date): void {
    this.current = date.getTime();
  }

  get pending(): number {
    return this.timers.size;
  }

  private async settle(): Promise<void> {
    await settle();
    if (this.quiet) await this.quiet();
  }

  private arm(timer: Timer): number {
    const id = this.nextId++;
    this.timers.set(id, timer);
    return id;
  }

  /** The timer due first at or before `end` (the first armed among equals), if any. */
  private earliest(end: number): [number, Timer] | undefined {
    let first: [number, Timer] | undefined;
    for (const entry of this.timers) if (entry[1].at <= end && (!first || entry[1].at < first[1].at)) first = entry;
    return first;
  }
}

/** One turn of the event loop: every promise settled by now has run its continuations. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
