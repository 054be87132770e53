import type { Database } from "better-sqlite3";
import { apiTokenColumns, type ApiTokenRow } from "./api-token-row.js";
import { prepared } from "./prepared.js";

/**
 * The token whose SHA-256 is `tokenHash`. Looked up through the unique index: the
 * time a lookup takes can tell a guesser only about the hash of their own guess,
 * which says nothing of any token (the API key, a chosen string, is compared in
 * constant time instead).
 */
export function findApiToken(db: Database, tokenHash: string): ApiTokenRow | undefined {
  return prepared<[string], ApiTokenRow>(db, `SELECT ${apiTokenColumns} FROM api_tokens WHERE token_hash = ?`).get(tokenHash);
}
