import type { Sql, SqlParams, SqlRun } from "./sql.js";

/**
 * Another handle on the same store, with an identity of its own: statements go
 * through `base` (its connections, its open transaction), but what is keyed by
 * handle — the fence of controller-lock.ts's fenceWrites — is this one's.
 * A PostgreSQL leader fences its reconciler and scheduler through a view, and
 * its workers, which every controller runs whether it leads or not, write
 * through the base unfenced: a deposed leader goes on working as a follower.
 */
export function sqlView(base: Sql): Sql {
  const view: Sql = {
    dialect: base.dialect,
    get: <R>(text: string, params?: SqlParams): Promise<R | undefined> => base.get<R>(text, params),
    all: <R>(text: string, params?: SqlParams): Promise<R[]> => base.all<R>(text, params),
    run: (text: string, params?: SqlParams): Promise<SqlRun> => base.run(text, params),
    exec: (text: string) => base.exec(text),
    // The body sees the view, so a fenced write inside it is checked against the view's fence.
    transaction: <T>(body: (tx: Sql) => Promise<T>): Promise<T> => base.transaction(() => body(view)),
    lock: (name: string) => base.lock(name),
    inTransaction: () => base.inTransaction(),
    // The base's owner closes it.
    close: () => Promise.resolve(),
  };
  return view;
}
