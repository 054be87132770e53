import type { FastifyReply, FastifyRequest } from "fastify";

/** The status page's policy (issue 14 contract): its own scripts and styles only, no inline script, never framed. */
export const contentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const headers = {
  "content-security-policy": contentSecurityPolicy,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
};

/**
 * On every response, the page's and the API's alike (a JSON answer opened in a
 * tab is a document too). HSTS only when this request came over HTTPS: sent over
 * plain HTTP it would be ignored, or lock a host out of its own HTTP service.
 */
export async function securityHeaders(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  reply.headers(headers);
  if (request.protocol === "https") reply.header("strict-transport-security", "max-age=31536000");
}
