import type { Database } from "better-sqlite3";
import { prepared } from "./prepared.js";

/** A session and the state of its token (the token columns are null for an API_KEY session). */
export interface ApiSessionRow {
  id: string;
  issued_at: string;
  token_id: number | null;
  name: string | null;
  expires_at: string | null;
  revoked_at: string | null;
}

export function findApiSession(db: Database, id: string): ApiSessionRow | undefined {
  return prepared<[string], ApiSessionRow>(
    db,
    `SELECT s.id, s.issued_at, s.token_id, t.name, t.expires_at, t.revoked_at
     FROM api_sessions s LEFT JOIN api_tokens t ON t.id = s.token_id WHERE s.id = ?`,
  ).get(id);
}
