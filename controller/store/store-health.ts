import type { StoreFault } from "./store-fault.js";

/**
 * The store's health as the controller last saw it, shared with the API:
 * /api/health answers 503 with the reason while a fault lasts, and the
 * metrics count faults by code.
 */
export class StoreHealth {
  fault: (StoreFault & { since: Date }) | undefined;
  /** Faults seen, by SQLite error code (or file-deleted, file-replaced, file-corrupt, file-read-only, lock-lost). */
  readonly counts = new Map<string, number>();

  /** Records a fault; true when it is news (the store was healthy, or failed differently). */
  report(fault: StoreFault, at: Date): boolean {
    this.counts.set(fault.code, (this.counts.get(fault.code) ?? 0) + 1);
    const news = this.fault?.code !== fault.code;
    if (news) this.fault = { ...fault, since: at };
    return news;
  }

  /** A write went through again; true when that ends a fault. */
  recovered(): boolean {
    const was = this.fault !== undefined;
    this.fault = undefined;
    return was;
  }
}
