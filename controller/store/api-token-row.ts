/** A named read token as `tokens list` and the API see it: never the token or its hash. */
export interface ApiTokenRow {
  id: number;
  name: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

/** The columns of ApiTokenRow, for the queries that return one. */
export const apiTokenColumns = "id, name, created_at, expires_at, revoked_at, last_used_at";
