import { randomBytes } from "node:crypto";
import { join } from "node:path";
import fastifyCookie from "@fastify/cookie";
import fastifyStatic from "@fastify/static";
import type { Sql } from "../store/sql/sql.js";
import { StoreHealth } from "../store/store-health.js";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from "fastify";
import { type Clock, systemClock } from "../clock.js";
import { packageRoot } from "../package-root.js";
import { ApiAuth, type Identity, isRefusal } from "./api-auth.js";
import { FailureLimit } from "./failure-limit.js";
import { ControllerMetrics } from "./metrics-registry.js";
import { tooManyFailures } from "./routes/session.js";
import { securityHeaders } from "./security-headers.js";
import { sessionCookieName } from "./session-cookie.js";
import { hasUi, isAppPath, serveApp } from "./ui.js";

/** What the API reads from (it writes nothing but webhook runs, token use and sessions). */
export interface ServerDeps {
  /** The store, SQLite (sqliteSql) or PostgreSQL (openPostgres): every route reads and writes through it. */
  sql: Sql;
  /** The admin's bearer token (API_KEY); never empty (start refuses). */
  apiKey: string;
  /** The controller's environment: webhook signing secrets are read from it by name. */
  env: NodeJS.ProcessEnv;
  clock?: Clock;
  /** fastify logger options, or false in tests. */
  logger?: boolean | object;
  /** The controller's own logger (one format for every line); wins over `logger`. */
  loggerInstance?: FastifyBaseLogger;
  /** A webhook queued a run: the controller pokes its workers. */
  onRunQueued?: (runId: number) => void;
  /**
   * What /metrics serves. The controller feeds it (runs as they end, reconciles);
   * without one, the server makes its own, which reads the store's indexes and
   * observes nothing.
   */
  metrics?: ControllerMetrics;
  /** The controller's view of its store: /api/health answers 503 while a fault lasts. */
  storeHealth?: StoreHealth;
  /** Signs status-page sessions (loadSessionSecret); without one, a random key: sessions end with the server. */
  sessionSecret?: Buffer;
  /** The built status page (index.html, assets/); default dist/ui in the package, null for none. Missing: `/` answers 503. */
  uiDir?: string | null;
  /** PostgreSQL: whether this controller leads or follows now, for /api/health (a controller alone on SQLite has no role). */
  role?: () => "leader" | "follower";
  /** fastify's trustProxy: whether X-Forwarded-Proto may say the request came over HTTPS (Secure cookie, HSTS). Default false. */
  trustProxy?: boolean;
}

declare module "fastify" {
  interface FastifyInstance {
    deps: Required<Pick<ServerDeps, "sql" | "env">> & Pick<ServerDeps, "role"> & {
      clock: Clock;
      onRunQueued: (runId: number) => void;
      metrics: ControllerMetrics;
      storeHealth: StoreHealth;
      auth: ApiAuth;
      /** Failed sign-ins per client address, bearer and POST /api/session alike. */
      signInLimit: FailureLimit;
      /** The built status page; null when there is none. */
      uiDir: string | null;
    };
  }
  interface FastifyRequest {
    /** Who the request is, once the auth hook let it through; null on public routes. */
    identity: Identity | null;
  }
  interface FastifyContextConfig {
    /** The route needs no token: health, sign-in and logout, webhooks (signed instead), the page's assets. */
    public?: boolean;
  }
}

/**
 * The read-only status API (SPEC §5) and the status page (issue 14), built apart
 * from `listen` so tests use `app.inject()`. Plugins add the routes; auth is one
 * hook for all of them.
 */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  if (!deps.apiKey) throw new Error("buildServer: an API key is required");
  const app = Fastify({
    ...(deps.loggerInstance ? { loggerInstance: deps.loggerInstance } : { logger: deps.logger ?? false }),
    logController: new ProbeLogController(),
    // The webhook receiver verifies signatures over the raw body; other routes take none.
    bodyLimit: 256 * 1024,
    trustProxy: deps.trustProxy ?? false,
  });
  const clock = deps.clock ?? systemClock;
  // Looked at once: a page built while the server runs is served from the next start.
  const givenUi = deps.uiDir === undefined ? join(packageRoot, "dist", "ui") : deps.uiDir;
  const uiDir = hasUi(givenUi) ? givenUi : null;
  const sql = deps.sql;
  app.decorate("deps", {
    sql,
    env: deps.env,
    clock,
    storeHealth: deps.storeHealth ?? new StoreHealth(),
    onRunQueued: deps.onRunQueued ?? (() => {}),
    metrics: deps.metrics ?? new ControllerMetrics(sql, () => clock.now()),
    auth: new ApiAuth(sql, deps.apiKey, deps.sessionSecret ?? randomBytes(32), clock),
    signInLimit: new FailureLimit(clock),
    uiDir,
    ...(deps.role ? { role: deps.role } : {}),
  });
  app.decorateRequest("identity", null);
  await app.register(fastifyCookie);
  if (uiDir !== null) await app.register(fastifyStatic, { root: uiDir, serve: false, index: false });
  app.addHook("onRequest", securityHeaders);
  app.addHook("onRequest", authenticate);
  app.setNotFoundHandler((request, reply) => {
    const path = pathOf(request);
    if ((request.method === "GET" || request.method === "HEAD") && isAppPath(path)) return serveApp(app, reply);
    return reply.code(404).send({ error: "not_found", message: `no route ${request.method} ${path}` });
  });
  for (const load of plugins) await app.register((await load()).default);
  return app;
}

const pathOf = (request: FastifyRequest): string => request.url.split("?", 1)[0] ?? "";

/** Requests that monitoring makes all day long: /api/health and /metrics. */
export const isProbe = (url: string): boolean => {
  const path = url.split("?", 1)[0];
  return path === "/api/health" || path === "/metrics";
};

/** Health probes and metrics scrapes come every few seconds: their request lines go at debug, the rest at info. */
class ProbeLogController extends LogController {
  override incomingRequest(request: FastifyRequest, reply: FastifyReply): void {
    if (isProbe(request.url)) request.log.debug({ req: request }, "incoming request");
    else super.incomingRequest(request, reply);
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (!error && isProbe(request.url)) reply.log.debug({ url: request.url, res: reply, responseTime: reply.elapsedTime }, "request completed");
    else super.requestCompleted(error, request, reply);
  }
}

/**
 * Every route needs a token but those marked public; of the paths no route
 * matches, the API's and /metrics need one too (so they answer 401, not 404, to
 * a stranger), and the rest are the page's client routes or plain 404s. A token
 * is a bearer (API_KEY or a named token) or a session cookie.
 */
async function authenticate(this: FastifyInstance, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  if (request.is404 ? !/^\/(?:api|metrics)(?:\/|$)/.test(pathOf(request)) : request.routeOptions.config.public === true) return undefined;
  const { auth, signInLimit } = this.deps;
  const header = request.headers.authorization;
  if (typeof header === "string" && header.startsWith("Bearer ")) {
    const wait = signInLimit.retryAfter(request.ip);
    if (wait > 0) return tooManyFailures(reply, wait);
    const result = await auth.checkToken(header.slice(7));
    if (!isRefusal(result)) {
      request.identity = result;
      return undefined;
    }
    signInLimit.fail(request.ip);
    request.log.warn({ ...(result.knownName ? { token_name: result.knownName } : {}), reason: result.message }, "bearer token refused");
    return reply.code(403).send({ error: "forbidden", message: result.message });
  }
  const cookie = request.cookies[sessionCookieName];
  const identity = cookie ? await auth.checkSession(cookie) : undefined;
  if (identity) {
    request.identity = identity;
    return undefined;
  }
  return reply
    .code(401)
    .header("www-authenticate", "Bearer")
    .send({ error: "unauthorized", message: cookie ? "the session ended: sign in again" : "send Authorization: Bearer <API_KEY or a named token>, or sign in" });
}

/** Route plugins, one file each under routes/ (plus webhooks, metrics and the page's assets). */
const plugins: (() => Promise<{ default: (app: FastifyInstance) => Promise<void> }>)[] = [
  () => import("./webhooks.js"),
  () => import("./metrics.js"),
  () => import("./ui.js"),
  () => import("./routes/health.js"),
  () => import("./routes/session.js"),
  () => import("./routes/status.js"),
  () => import("./routes/definitions.js"),
  () => import("./routes/events.js"),
  () => import("./routes/runs.js"),
  () => import("./routes/queue-usage.js"),
  () => import("./routes/revisions.js"),
];
