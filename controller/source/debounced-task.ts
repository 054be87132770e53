import { type Clock, systemClock } from "../clock.js";

/**
 * Runs an async task once per burst of signals. The delay counts from the
 * first signal of a burst, not the last, so a steady stream of signals cannot
 * starve the task. Runs never overlap, and a signal that arrives during a run
 * schedules one more, so the last change of a burst is always seen.
 *
 * The task must not reject: it reports its own failures (the watchers emit
 * `error`), because a rejection here would have no one to go to.
 */
export class DebouncedTask {
  private timer: unknown;
  private chain: Promise<void> = Promise.resolve();
  /** A run is on the chain but has not started: it will see every change so far. */
  private queued = false;
  private stopped = false;

  constructor(
    private readonly task: () => Promise<void>,
    private readonly delayMs: number,
    private readonly clock: Clock = systemClock,
  ) {}

  signal(): void {
    if (this.stopped || this.timer !== undefined || this.queued) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      void this.enqueue();
    }, this.delayMs);
  }

  /** Runs the task without waiting for the delay; resolves when that run is over. */
  flush(): Promise<void> {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    return this.enqueue();
  }

  /** No run starts after this; resolves once the current one is over. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    // A rejected run was already reported to whoever awaited it.
    await this.chain.catch(() => undefined);
  }

  private enqueue(): Promise<void> {
    if (this.stopped || this.queued) return this.chain;
    this.queued = true;
    this.chain = this.chain.then(() => {
      this.queued = false;
      return this.stopped ? undefined : this.task();
    });
    return this.chain;
  }
}
