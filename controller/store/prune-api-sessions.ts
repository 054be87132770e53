import type { Database } from "better-sqlite3";
import { prepared } from "./prepared.js";
import { isoTime } from "./time.js";

/** Deletes the sessions issued before `before` (past their maximum age, never signed out). */
export function pruneApiSessions(db: Database, before: Date): void {
  prepared(db, "DELETE FROM api_sessions WHERE issued_at < ?").run(isoTime(before));
}
