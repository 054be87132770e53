import type { Database } from "better-sqlite3";
import { prepared } from "./prepared.js";
import type { Sql } from "./sql/sql.js";
import { isSql } from "./sql/sqlite-sql-of.js";

type FlowAfter = { name: string; on: "success" | "failure" | "always" };

// JSON paths differ: SQLite's json_extract, PostgreSQL's jsonb `->>` through
// nexaas_spec_or_null (migration 000001), which reads a mangled spec as null.
// Names by bytes on both.
const selectSqls = {
  sqlite: `SELECT name, coalesce(json_extract(spec, '$.trigger.on'), 'success') AS "on" FROM flows
      WHERE json_extract(spec, '$.trigger.type') = 'after' AND json_extract(spec, '$.trigger.flow') = ?
      ORDER BY name`,
  postgres: `SELECT name, coalesce(nexaas_spec_or_null(spec) -> 'trigger' ->> 'on', 'success') AS "on" FROM flows
      WHERE nexaas_spec_or_null(spec) -> 'trigger' ->> 'type' = 'after' AND nexaas_spec_or_null(spec) -> 'trigger' ->> 'flow' = ?
      ORDER BY name COLLATE "C"`,
} as const;

/**
 * Flows whose trigger is `{type: after, flow: <name>}`, with the outcome (`on`) they wait for.
 * Given a better-sqlite3 connection it still answers at once: queueFlowsAfter runs inside
 * the queue's synchronous path until its slice of issue 16 moves it to Sql.
 */
export function flowsAfter(sql: Sql, flow: string): Promise<FlowAfter[]>;
export function flowsAfter(db: Database, flow: string): FlowAfter[];
export function flowsAfter(store: Sql | Database, flow: string): Promise<FlowAfter[]> | FlowAfter[] {
  if (isSql(store)) return store.all<FlowAfter>(selectSqls[store.dialect], [flow]);
  return prepared<[string], FlowAfter>(store, selectSqls.sqlite).all(flow);
}
