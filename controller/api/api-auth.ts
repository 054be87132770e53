import { createHash, timingSafeEqual } from "node:crypto";
import type { Clock } from "../clock.js";
import { createApiSession } from "../store/create-api-session.js";
import { deleteApiSession } from "../store/delete-api-session.js";
import { findApiSession } from "../store/find-api-session.js";
import { findApiToken } from "../store/find-api-token.js";
import { pruneApiSessions } from "../store/prune-api-sessions.js";
import type { Sql } from "../store/sql/sql.js";
import { touchApiToken } from "../store/touch-api-token.js";
import { apiTokenPrefix, hashApiToken } from "./api-token.js";
import { newSessionId, signSession, verifySession } from "./session-cookie.js";

/** Who a request is: the admin (API_KEY) or a named token. */
export interface Identity {
  /** The token's name; "API_KEY" for the admin. */
  name: string;
  expires_at: string | null;
  /** The named token's row; null for the admin. */
  tokenId: number | null;
}

/** A token refused: why (for the client), and the token's name when it is a known one (for the log). */
export interface Refusal {
  message: string;
  knownName?: string;
}

export const adminName = "API_KEY";

/** How long a status-page session lasts at most; its token's expiry or revocation ends it sooner. */
export const sessionMaxAgeMs = 7 * 86_400_000;

/** Checks bearer tokens and session cookies against API_KEY and the named tokens in the store. */
export class ApiAuth {
  private readonly adminDigest: Buffer;

  constructor(
    private readonly sql: Sql,
    apiKey: string,
    private readonly sessionSecret: Buffer,
    private readonly clock: Clock,
  ) {
    this.adminDigest = digest(apiKey);
  }

  /** A bearer token, or the token of a sign-in. */
  async checkToken(token: string): Promise<Identity | Refusal> {
    // Compare digests, so the comparison takes the same time whatever the length of the guess.
    if (timingSafeEqual(digest(token), this.adminDigest)) return { name: adminName, expires_at: null, tokenId: null };
    if (!token.startsWith(apiTokenPrefix)) return { message: "wrong token" };
    const row = await findApiToken(this.sql, hashApiToken(token));
    if (!row) return { message: "wrong token" };
    const refused = this.refusal(row.name, row.expires_at, row.revoked_at);
    if (refused) return refused;
    await touchApiToken(this.sql, row.id, this.clock.now());
    return { name: row.name, expires_at: row.expires_at, tokenId: row.id };
  }

  /** A new session for `identity`: the cookie's value. Sessions past their age are dropped on the way. */
  async startSession(identity: Identity): Promise<string> {
    const issuedAt = this.clock.now();
    const id = newSessionId();
    await pruneApiSessions(this.sql, new Date(issuedAt.getTime() - sessionMaxAgeMs));
    await createApiSession(this.sql, { id, tokenId: identity.tokenId, issuedAt });
    return signSession({ name: identity.name, id, issuedAt }, this.sessionSecret, this.binding(identity.name));
  }

  /** Who a session cookie signs in, or undefined when it does not (forged, signed out, too old, its token revoked or expired). */
  async checkSession(cookie: string): Promise<Identity | undefined> {
    const claims = verifySession(cookie, this.sessionSecret, (name) => this.binding(name));
    if (!claims) return undefined;
    const now = this.clock.now();
    if (now.getTime() - claims.issuedAt.getTime() > sessionMaxAgeMs) return undefined;
    const row = await findApiSession(this.sql, claims.id);
    if (!row || row.issued_at !== claims.issuedAt.toISOString() || (row.name ?? adminName) !== claims.name) return undefined;
    if (row.token_id === null) return { name: adminName, expires_at: null, tokenId: null };
    if (this.refusal(claims.name, row.expires_at, row.revoked_at)) return undefined;
    await touchApiToken(this.sql, row.token_id, now);
    return { name: claims.name, expires_at: row.expires_at, tokenId: row.token_id };
  }

  /** Logout: the session named by a valid cookie ends. */
  async endSession(cookie: string): Promise<void> {
    const claims = verifySession(cookie, this.sessionSecret, (name) => this.binding(name));
    if (claims) await deleteApiSession(this.sql, claims.id);
  }

  private refusal(name: string, expiresAt: string | null, revokedAt: string | null): Refusal | undefined {
    if (revokedAt !== null) return { message: `token "${name}" was revoked`, knownName: name };
    if (expiresAt !== null && expiresAt <= this.clock.now().toISOString()) return { message: `token "${name}" expired at ${expiresAt}`, knownName: name };
    return undefined;
  }

  /** An admin session is tied to API_KEY (its digest, inside the signature only): a new key ends it. */
  private binding(name: string): string {
    return name === adminName ? this.adminDigest.toString("base64url") : "";
  }
}

export const isRefusal = (result: Identity | Refusal): result is Refusal => "message" in result;

const digest = (text: string): Buffer => createHash("sha256").update(text).digest();
