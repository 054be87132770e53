import { readDefinition } from "./read-definition.js";
import type { Sql } from "./sql/sql.js";

/**
 * The time zone of cron conditions that name none: nexaas.yaml's `timezone`, else UTC (SPEC,
 * condition schema). Read through readDefinition, so a settings row mangled out of band reads as
 * no settings (drift, which the next apply puts back) instead of failing every scheduler tick.
 */
export async function workspaceTimezone(sql: Sql): Promise<string> {
  const timezone = (await readDefinition(sql, "workspace", "workspace"))?.timezone;
  return typeof timezone === "string" && timezone !== "" ? timezone : "UTC";
}
