import type { Sql } from "./sql/sql.js";
import { isoTime } from "./time.js";

/** A sign-in: session `id` for the named token `tokenId`, or for API_KEY when null. */
export async function createApiSession(sql: Sql, input: { id: string; tokenId: number | null; issuedAt: Date }): Promise<void> {
  await sql.run("INSERT INTO api_sessions (id, token_id, issued_at) VALUES (@id, @token, @issued)", {
    id: input.id,
    token: input.tokenId,
    issued: isoTime(input.issuedAt),
  });
}
