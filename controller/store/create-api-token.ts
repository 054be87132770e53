import type { Sql } from "./sql/sql.js";
import { isoTime } from "./time.js";

/** Stores a new token's hash under `name`; false when the name is taken (revoked tokens keep theirs). */
export async function createApiToken(sql: Sql, input: { name: string; tokenHash: string; createdAt: Date; expiresAt: Date | null }): Promise<boolean> {
  const result = await sql.run(
    `INSERT INTO api_tokens (name, token_hash, created_at, expires_at) VALUES (@name, @hash, @created, @expires)
     ON CONFLICT (name) DO NOTHING`,
    { name: input.name, hash: input.tokenHash, created: isoTime(input.createdAt), expires: input.expiresAt ? isoTime(input.expiresAt) : null },
  );
  return result.changes === 1;
}
