import type { Database } from "better-sqlite3";
import { prepared } from "./prepared.js";
import { isoTime } from "./time.js";

/** Stores a new token's hash under `name`; false when the name is taken (revoked tokens keep theirs). */
export function createApiToken(db: Database, input: { name: string; tokenHash: string; createdAt: Date; expiresAt: Date | null }): boolean {
  const result = prepared(
    db,
    `INSERT INTO api_tokens (name, token_hash, created_at, expires_at) VALUES (@name, @hash, @created, @expires)
     ON CONFLICT (name) DO NOTHING`,
  ).run({ name: input.name, hash: input.tokenHash, created: isoTime(input.createdAt), expires: input.expiresAt ? isoTime(input.expiresAt) : null });
  return result.changes === 1;
}
