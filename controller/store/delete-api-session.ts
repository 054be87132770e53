import type { Database } from "better-sqlite3";
import { prepared } from "./prepared.js";

/** Logout: the session's cookie, even a copy of it, stops working. */
export function deleteApiSession(db: Database, id: string): void {
  prepared(db, "DELETE FROM api_sessions WHERE id = ?").run(id);
}
