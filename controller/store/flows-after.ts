import type { Sql } from "./sql/sql.js";

type FlowAfter = { name: string; on: "success" | "failure" | "always" };

// JSON paths differ: SQLite's json_extract, PostgreSQL's jsonb `->>` through
// nexaas_spec_or_null (migration 000001). A spec mangled out of band reads as
// none on both (json_extract would throw on it, failing every flow's followers).
// Names by bytes on both.
const selectSqls = {
  sqlite: `SELECT name, coalesce(json_extract(spec, '$.trigger.on'), 'success') AS "on"
      FROM (SELECT name, iif(json_valid(spec), spec, '{}') AS spec FROM flows)
      WHERE json_extract(spec, '$.trigger.type') = 'after' AND json_extract(spec, '$.trigger.flow') = ?
      ORDER BY name`,
  postgres: `SELECT name, coalesce(nexaas_spec_or_null(spec) -> 'trigger' ->> 'on', 'success') AS "on" FROM flows
      WHERE nexaas_spec_or_null(spec) -> 'trigger' ->> 'type' = 'after' AND nexaas_spec_or_null(spec) -> 'trigger' ->> 'flow' = ?
      ORDER BY name COLLATE "C"`,
} as const;

/** Flows whose trigger is `{type: after, flow: <name>}`, with the outcome (`on`) they wait for. */
export function flowsAfter(sql: Sql, flow: string): Promise<FlowAfter[]> {
  return sql.all<FlowAfter>(selectSqls[sql.dialect], [flow]);
}
