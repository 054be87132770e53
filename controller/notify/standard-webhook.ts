import { createHmac, randomUUID } from "node:crypto";

/**
 * The Standard Webhooks headers for `body` (standardwebhooks.com): an id, the
 * time in seconds, and `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`. The
 * key is the secret as the official libraries read it: an optional `whsec_`
 * prefix, then base64. Returns undefined for a secret that decodes to nothing.
 */
export function signStandardWebhook(secret: string, body: string, now: Date, id = `msg_${randomUUID()}`): Record<string, string> | undefined {
  const key = signingKey(secret);
  if (!key) return undefined;
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const signature = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
  return { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": `v1,${signature}` };
}

export function signingKey(secret: string): Buffer | undefined {
  const key = Buffer.from(secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret, "base64");
  return key.length > 0 ? key : undefined;
}
