import type { Sql } from "./sql/sql.js";

/** Logout: the session's cookie, even a copy of it, stops working. */
export async function deleteApiSession(sql: Sql, id: string): Promise<void> {
  await sql.run("DELETE FROM api_sessions WHERE id = ?", [id]);
}
