import type { Sql } from "./sql/sql.js";
import { isoTime } from "./time.js";

/** Deletes the sessions issued before `before` (past their maximum age, never signed out). */
export async function pruneApiSessions(sql: Sql, before: Date): Promise<void> {
  await sql.run("DELETE FROM api_sessions WHERE issued_at < ?", [isoTime(before)]);
}
