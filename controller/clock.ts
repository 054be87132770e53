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
  // The handle is the timer's primitive id, which Node's clearTimeout takes as well as
  // the Timeout itself; a number is checked on the way back instead of asserted.
  setTimeout: (fn, ms) => setTimeout(fn, ms)[Symbol.toPrimitive](),
  clearTimeout: (handle) => {
    if (typeof handle === "number") clearTimeout(handle);
  },
  setInterval: (fn, ms) => setInterval(fn, ms)[Symbol.toPrimitive](),
  clearInterval: (handle) => {
    if (typeof handle === "number") clearInterval(handle);
  },
};
