import type { Sql } from "./sql/sql.js";

/** A session and the state of its token (the token columns are null for an API_KEY session). */
export interface ApiSessionRow {
  id: string;
  issued_at: string;
  token_id: number | null;
  name: string | null;
  expires_at: string | null;
  revoked_at: string | null;
}

export function findApiSession(sql: Sql, id: string): Promise<ApiSessionRow | undefined> {
  return sql.get<ApiSessionRow>(
    `SELECT s.id, s.issued_at, s.token_id, t.name, t.expires_at, t.revoked_at
     FROM api_sessions s LEFT JOIN api_tokens t ON t.id = s.token_id WHERE s.id = ?`,
    [id],
  );
}
