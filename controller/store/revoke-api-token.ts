import type { Database } from "better-sqlite3";
import { prepared } from "./prepared.js";
import { isoTime } from "./time.js";

/** Revokes the token `name`: when it is revoked (now, or earlier: revoking again keeps the first time); undefined when there is no such token. */
export function revokeApiToken(db: Database, name: string, at: Date): string | undefined {
  const row = prepared<{ name: string; at: string }, { revoked_at: string }>(
    db,
    "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, @at) WHERE name = @name RETURNING revoked_at",
  ).get({ name, at: isoTime(at) });
  return row?.revoked_at;
}
