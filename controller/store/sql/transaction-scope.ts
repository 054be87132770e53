import { AsyncLocalStorage } from "node:async_hooks";

/** What a scope tracks: a transaction, which says when it has ended (a continuation may outlive it). */
export interface ScopedTransaction {
  ended: boolean;
}

/**
 * The open transaction a statement belongs to, found from its async context.
 *
 * On Node 20 an enabled AsyncLocalStorage installs a promise hook for the whole
 * process: every promise created anywhere pays it, and promise-heavy code (the
 * PostgreSQL driver, a worker's job) took twice the CPU. So the storage is
 * enabled only while one of its transactions is open, and disabled when the
 * last ends: the queue's one-statement claims and completions, most of what a
 * controller does, then run without the hook. (Node 24's async context frames
 * have no hook; there disabling costs nothing either.)
 */
export class TransactionScope<T extends ScopedTransaction> {
  private readonly storage = new AsyncLocalStorage<T>();
  private open = 0;

  /** The transaction whose context this is, if it is still open. */
  current(): T | undefined {
    if (this.open === 0) return undefined;
    const transaction = this.storage.getStore();
    return transaction && !transaction.ended ? transaction : undefined;
  }

  /** Runs `body` in `transaction`'s context: what it starts, awaited or not, finds the transaction. */
  async run<R>(transaction: T, body: () => Promise<R>): Promise<R> {
    this.open++;
    try {
      return await this.storage.run(transaction, body);
    } finally {
      // No transaction is open: a continuation still running finds none (an ended one is none too).
      if (--this.open === 0) this.storage.disable();
    }
  }
}
