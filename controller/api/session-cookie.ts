import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** The status page's session cookie (issue 14). */
export const sessionCookieName = "nexaas_session";

/** What a session cookie carries: the token signed in with, the session's row, and when. */
export interface SessionClaims {
  /** The token's name; "API_KEY" for the admin token. */
  name: string;
  id: string;
  issuedAt: Date;
}

export const newSessionId = (): string => randomBytes(18).toString("base64url");

/**
 * `id.issued.name.signature`: the name base64url, the signature HMAC-SHA256 with
 * SESSION_SECRET over (name, id, issued at) and `binding`. The binding ties a
 * session to what it was signed in with beyond its row (a digest of API_KEY for
 * the admin's), so changing API_KEY ends the admin's sessions.
 */
export function signSession(claims: SessionClaims, secret: Buffer, binding = ""): string {
  const issued = String(claims.issuedAt.getTime());
  const name = Buffer.from(claims.name).toString("base64url");
  return `${claims.id}.${issued}.${name}.${signature(secret, claims.name, claims.id, issued, binding)}`;
}

/** The claims of a cookie this server signed, or undefined for anything else. `binding` is asked for once the name is known. */
export function verifySession(value: string, secret: Buffer, binding: (name: string) => string): SessionClaims | undefined {
  const parts = value.split(".");
  if (parts.length !== 4) return undefined;
  const [id = "", issued = "", encodedName = "", mac = ""] = parts;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id) || !/^[0-9]{1,15}$/.test(issued)) return undefined;
  const name = Buffer.from(encodedName, "base64url").toString();
  const expected = Buffer.from(signature(secret, name, id, issued, binding(name)), "base64url");
  const given = Buffer.from(mac, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return { name, id, issuedAt: new Date(Number(issued)) };
}

const signature = (secret: Buffer, name: string, id: string, issued: string, binding: string): string =>
  createHmac("sha256", secret).update([name, id, issued, binding].join("\n")).digest("base64url");
