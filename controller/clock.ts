/**
 * Time, injected. The scheduler, the queue (leases, backoff), the workers
 * (timeouts, heartbeats, the poll, the shutdown grace) and the controller's
 * lock and drift timers take a Clock, so tests move time by hand instead of
 * sleeping, and a clock stepping back is a test case rather than a production
 * surprise.
 */
export interface Clock {
  now(): Date;
  /** Calls `fn` after `ms` (as setTimeout); returns a handle for clearTimeout. */
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Calls `fn` every `ms` (as setInterval); returns a handle for clearInterval. */
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => new Date(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout | undefined),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout | undefined),
};
