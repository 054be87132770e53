import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { isRefusal, sessionMaxAgeMs } from "../api-auth.js";
import { sessionCookieName } from "../session-cookie.js";
import { badRequest } from "./schemas.js";

const sessionSchema = { type: "object", properties: { name: { type: "string" }, expires_at: { type: ["string", "null"] } } } as const;

/**
 * The status page's sign-in (issue 14): a named token or API_KEY for a session
 * cookie, who is signed in, and logout. Failed sign-ins count against the
 * client's address, and are logged with the token's name when it is a known
 * one, never with the token.
 */
export default async function session(app: FastifyInstance): Promise<void> {
  app.post("/api/session", { config: { public: true } }, async (request, reply) => {
    const wait = app.deps.signInLimit.retryAfter(request.ip);
    if (wait > 0) return tooManyFailures(reply, wait);
    const token: unknown = typeof request.body === "object" && request.body !== null ? Reflect.get(request.body, "token") : undefined;
    if (typeof token !== "string" || token === "") return badRequest(reply, 'send JSON {"token": "<a token from nexaas tokens create, or API_KEY>"}');
    const result = await app.deps.auth.checkToken(token);
    if (isRefusal(result)) {
      app.deps.signInLimit.fail(request.ip);
      request.log.warn({ ...(result.knownName ? { token_name: result.knownName } : {}), reason: result.message }, "sign-in refused");
      return reply.code(401).send({ error: "unauthorized", message: result.message });
    }
    const untilTokenEnds = result.expires_at === null ? sessionMaxAgeMs : Date.parse(result.expires_at) - app.deps.clock.now().getTime();
    reply.setCookie(sessionCookieName, await app.deps.auth.startSession(result), {
      ...cookieOptions(request),
      maxAge: Math.max(1, Math.floor(Math.min(sessionMaxAgeMs, untilTokenEnds) / 1000)),
    });
    request.log.info({ token_name: result.name }, "signed in");
    return reply.code(204).send();
  });

  app.get("/api/session", { schema: { response: { 200: sessionSchema } } }, async (request) => {
    const identity = request.identity;
    return { name: identity?.name ?? "", expires_at: identity?.expires_at ?? null };
  });

  // Public: a stale or forged cookie is cleared all the same.
  app.delete("/api/session", { config: { public: true } }, async (request, reply) => {
    const cookie = request.cookies[sessionCookieName];
    if (cookie) await app.deps.auth.endSession(cookie);
    reply.clearCookie(sessionCookieName, cookieOptions(request));
    return reply.code(204).send();
  });
}

const cookieOptions = (request: FastifyRequest) => ({ httpOnly: true, sameSite: "strict" as const, path: "/", secure: request.protocol === "https" });

export function tooManyFailures(reply: FastifyReply, retryAfterSeconds: number): FastifyReply {
  return reply
    .code(429)
    .header("retry-after", String(retryAfterSeconds))
    .send({ error: "too_many_requests", message: `too many failed sign-ins from this address: try again in ${retryAfterSeconds}s` });
}
