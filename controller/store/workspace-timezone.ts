import type { Database } from "better-sqlite3";
import { prepared } from "./prepared.js";

/** The time zone of cron conditions that name none: nexaas.yaml's `timezone`, else UTC (SPEC, condition schema). */
export function workspaceTimezone(db: Database): string {
  const timezone = prepared(db, "SELECT json_extract(spec, '$.timezone') FROM workspace_settings WHERE name = 'workspace'")
    .pluck()
    .get();
  return typeof timezone === "string" && timezone !== "" ? timezone : "UTC";
}
