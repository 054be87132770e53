import type { Sql } from "./sql/sql.js";

// `spec` is JSON text; PostgreSQL reads it through jsonb (a no-op cast if the column is jsonb).
const timezoneSql = {
  sqlite: "SELECT json_extract(spec, '$.timezone') AS timezone FROM workspace_settings WHERE name = 'workspace'",
  postgres: "SELECT spec::jsonb ->> 'timezone' AS timezone FROM workspace_settings WHERE name = 'workspace'",
} as const;

/** The time zone of cron conditions that name none: nexaas.yaml's `timezone`, else UTC (SPEC, condition schema). */
export async function workspaceTimezone(sql: Sql): Promise<string> {
  const timezone = (await sql.get<{ timezone: unknown }>(timezoneSql[sql.dialect]))?.timezone;
  return typeof timezone === "string" && timezone !== "" ? timezone : "UTC";
}
