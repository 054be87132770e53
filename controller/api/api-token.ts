import { createHash, randomBytes } from "node:crypto";

/** What every named token starts with, so a secret scanner (and `nexaas scan`) can tell one. */
export const apiTokenPrefix = "nxs_";

/** A new read token: the prefix and 32 random bytes, base64url (47 characters). */
export const newApiToken = (): string => apiTokenPrefix + randomBytes(32).toString("base64url");

/** What the store keeps of a token: its SHA-256, base64url. The token is random, so no salt or slow hash is needed. */
export const hashApiToken = (token: string): string => createHash("sha256").update(token).digest("base64url");

/** Token names: lower case, digits, `.`, `_` and `-`, up to 64, starting with a letter or digit (so "API_KEY", the admin's, is never one). */
const namePattern = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Why `name` cannot name a token, or undefined when it can. */
export function tokenNameProblem(name: string): string | undefined {
  if (namePattern.test(name)) return undefined;
  return `token name ${JSON.stringify(name)}: use lower-case letters, digits, ".", "_" and "-" (up to 64, starting with a letter or digit)`;
}
