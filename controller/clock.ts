/**
 * Time, injected. The scheduler, the queue (leases, backoff) and the workers
 * take a Clock, so tests move time by hand instead of sleeping, and a clock
 * stepping back is a test case rather than a production surprise.
 */
export interface Clock {
  now(): Date;
  /** Calls `fn` after `ms` (as setTimeout); returns a handle for clearTimeout. */
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => new Date(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
