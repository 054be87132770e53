import type { Database } from "better-sqlite3";

/**
 * Records the SQL of every statement prepared on `db` from now on. The store
 * prepares each statement once per connection (controller/store/prepared.ts),
 * so on a fresh connection this lists everything a code path runs.
 */
export function recordStatements(db: Database): string[] {
  const seen: string[] = [];
  const original = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    if (!sql.startsWith("EXPLAIN")) seen.push(sql);
    return original(sql);
  }) as typeof db.prepare;
  return seen;
}

/** How SQLite would run `sql` (its EXPLAIN QUERY PLAN details, one per line), every parameter bound to NULL. */
export function planOf(db: Database, sql: string): string {
  const named: Record<string, null> = Object.fromEntries([...sql.matchAll(/[@:$]([A-Za-z_]\w*)/g)].map((m) => [m[1] ?? "", null]));
  const positional = new Array<null>((sql.match(/\?/g) ?? []).length).fill(null);
  const statement = db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
  const rows = (Object.keys(named).length > 0 ? statement.all(named) : statement.all(...positional)) as { detail: string }[];
  return rows.map((r) => r.detail).join("\n");
}

/** The plan lines that read a whole table of the store (json_each, CTEs and subqueries are not its tables). */
export function tableScans(plan: string): string[] {
  return plan.split("\n").filter((line) => /^SCAN (job_queue|event_runs|events|webhook_ids|token_usage|chat_messages|chat_sessions|run_steps)\b(?! USING)/.test(line));
}
