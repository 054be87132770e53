import type { Sql } from "./sql/sql.js";
import { isoTime } from "./time.js";

/** How stale last_used_at may get: a page polling every few seconds writes once a minute, not at every request. */
const touchEveryMs = 60_000;

/** Notes that token `id` was used at `at`, unless it was noted less than a minute before. */
export async function touchApiToken(sql: Sql, id: number, at: Date): Promise<void> {
  await sql.run("UPDATE api_tokens SET last_used_at = @at WHERE id = @id AND (last_used_at IS NULL OR last_used_at <= @stale)", {
    id,
    at: isoTime(at),
    stale: isoTime(new Date(at.getTime() - touchEveryMs)),
  });
}
