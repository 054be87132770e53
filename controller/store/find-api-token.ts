import { apiTokenColumns, type ApiTokenRow } from "./api-token-row.js";
import type { Sql } from "./sql/sql.js";

/**
 * The token whose SHA-256 is `tokenHash`. Looked up through the unique index: the
 * time a lookup takes can tell a guesser only about the hash of their own guess,
 * which says nothing of any token (the API key, a chosen string, is compared in
 * constant time instead).
 */
export function findApiToken(sql: Sql, tokenHash: string): Promise<ApiTokenRow | undefined> {
  return sql.get<ApiTokenRow>(`SELECT ${apiTokenColumns} FROM api_tokens WHERE token_hash = ?`, [tokenHash]);
}
