import type { Clock } from "../clock.js";

/**
 * Counts failed sign-ins per client address in fixed windows: after `max`
 * failures within `windowMs`, the address is refused until its window ends.
 * Successes are not counted, so a page that polls never trips it. The map is
 * bounded: a flood from many addresses drops the oldest windows first.
 */
export class FailureLimit {
  private readonly windows = new Map<string, { failures: number; endsAt: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly max = 10,
    private readonly windowMs = 60_000,
    private readonly maxAddresses = 10_000,
  ) {}

  /** Seconds until `address` may try again; 0 when it may now. */
  retryAfter(address: string): number {
    const window = this.windows.get(address);
    const now = this.clock.now().getTime();
    if (!window || window.endsAt <= now) return 0;
    return window.failures >= this.max ? Math.ceil((window.endsAt - now) / 1000) : 0;
  }

  fail(address: string): void {
    const now = this.clock.now().getTime();
    const window = this.windows.get(address);
    if (window && window.endsAt > now) {
      window.failures += 1;
      return;
    }
    this.windows.delete(address);
    if (this.windows.size >= this.maxAddresses) this.evict(now);
    this.windows.set(address, { failures: 1, endsAt: now + this.windowMs });
  }

  private evict(now: number): void {
    for (const [address, window] of this.windows) if (window.endsAt <= now) this.windows.delete(address);
    // Insertion order is age order: what is left over the bound is the oldest.
    for (const address of this.windows.keys()) {
      if (this.windows.size < this.maxAddresses) break;
      this.windows.delete(address);
    }
  }
}
