import type { Database } from "better-sqlite3";
import { apiTokenColumns, type ApiTokenRow } from "./api-token-row.js";
import { prepared } from "./prepared.js";

/** Every named token, oldest first, revoked ones too. */
export function listApiTokens(db: Database): ApiTokenRow[] {
  return prepared<[], ApiTokenRow>(db, `SELECT ${apiTokenColumns} FROM api_tokens ORDER BY id`).all();
}
