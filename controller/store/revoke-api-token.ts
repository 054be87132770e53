import type { Sql } from "./sql/sql.js";
import { isoTime } from "./time.js";

/** Revokes the token `name`: when it is revoked (now, or earlier: revoking again keeps the first time); undefined when there is no such token. */
export async function revokeApiToken(sql: Sql, name: string, at: Date): Promise<string | undefined> {
  const row = await sql.get<{ revoked_at: string }>("UPDATE api_tokens SET revoked_at = coalesce(revoked_at, @at) WHERE name = @name RETURNING revoked_at", {
    name,
    at: isoTime(at),
  });
  return row?.revoked_at;
}
