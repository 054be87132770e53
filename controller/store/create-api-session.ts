import type { Database } from "better-sqlite3";
import { prepared } from "./prepared.js";
import { isoTime } from "./time.js";

/** A sign-in: session `id` for the named token `tokenId`, or for API_KEY when null. */
export function createApiSession(db: Database, input: { id: string; tokenId: number | null; issuedAt: Date }): void {
  prepared(db, "INSERT INTO api_sessions (id, token_id, issued_at) VALUES (@id, @token, @issued)").run({ id: input.id, token: input.tokenId, issued: isoTime(input.issuedAt) });
}
