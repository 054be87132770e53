import { apiTokenColumns, type ApiTokenRow } from "./api-token-row.js";
import type { Sql } from "./sql/sql.js";

/** Every named token, oldest first, revoked ones too. */
export function listApiTokens(sql: Sql): Promise<ApiTokenRow[]> {
  return sql.all<ApiTokenRow>(`SELECT ${apiTokenColumns} FROM api_tokens ORDER BY id`);
}
