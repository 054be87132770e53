import type { Database } from "better-sqlite3";
import { prepared } from "./prepared.js";
import { isoTime } from "./time.js";

/** How stale last_used_at may get: a page polling every few seconds writes once a minute, not at every request. */
const touchEveryMs = 60_000;

/** Notes that token `id` was used at `at`, unless it was noted less than a minute before. */
export function touchApiToken(db: Database, id: number, at: Date): void {
  prepared(db, "UPDATE api_tokens SET last_used_at = @at WHERE id = @id AND (last_used_at IS NULL OR last_used_at <= @stale)").run({
    id,
    at: isoTime(at),
    stale: isoTime(new Date(at.getTime() - touchEveryMs)),
  });
}
