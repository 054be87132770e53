import { timingSafeEqual, createHash } from "node:crypto";
import type { Database } from "better-sqlite3";
import { StoreHealth } from "../store/store-health.js";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from "fastify";
import { type Clock, systemClock } from "../clock.js";
import { ControllerMetrics } from "./metrics-registry.js";

/** What the API reads from (it writes nothing but webhook runs). */
export interface ServerDeps {
  db: Database;
  /** Bearer token of every route but /api/health; never empty (start refuses). */
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
}

declare module "fastify" {
  interface FastifyInstance {
    deps: Required<Pick<ServerDeps, "db" | "env">> & {
      clock: Clock;
      onRunQueued: (runId: number) => void;
      metrics: ControllerMetrics;
      storeHealth: StoreHealth;
    };
  }
}

/**
 * The read-only status API (SPEC §5), built apart from `listen` so tests use
 * `app.inject()`. Plugins add the routes; auth is one hook for all of them.
 */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  if (!deps.apiKey) throw new Error("buildServer: an API key is required");
  const app = Fastify({
    ...(deps.loggerInstance ? { loggerInstance: deps.loggerInstance } : { logger: deps.logger ?? false }),
    logController: new ProbeLogController(),
    // The webhook receiver verifies signatures over the raw body; other routes take none.
    bodyLimit: 256 * 1024,
  });
  const clock = deps.clock ?? systemClock;
  app.decorate("deps", {
    db: deps.db,
    env: deps.env,
    clock,
    storeHealth: deps.storeHealth ?? new StoreHealth(),
    onRunQueued: deps.onRunQueued ?? (() => {}),
    metrics: deps.metrics ?? new ControllerMetrics(deps.db, () => clock.now()),
  });
  const expected = digest(deps.apiKey);
  app.addHook("onRequest", async (request, reply) => {
    const path = request.url.split("?", 1)[0] ?? "";
    // Health is public (liveness); webhooks authenticate by signature instead.
    if (path === "/api/health" || path.startsWith("/hooks/")) return;
    const header = request.headers.authorization;
    const token = typeof header === "string" && header.startsWith("Bearer ") ? header.slice(7) : undefined;
    if (!token) return reply.code(401).header("www-authenticate", "Bearer").send({ error: "unauthorized", message: "send Authorization: Bearer <API_KEY>" });
    // Compare digests, so the comparison takes the same time whatever the length of the guess.
    if (!timingSafeEqual(digest(token), expected)) return reply.code(403).send({ error: "forbidden", message: "wrong API key" });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: "not_found", message: `no route ${request.method} ${request.url.split("?", 1)[0]}` }));
  for (const load of plugins) await app.register((await load()).default);
  return app;
}

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

const digest = (text: string): Buffer => createHash("sha256").update(text).digest();

/** Route plugins, one file each under routes/ (plus webhooks and metrics). */
const plugins: (() => Promise<{ default: (app: FastifyInstance) => Promise<void> }>)[] = [() => import("./webhooks.js"), () => import("./metrics.js"), () => import("./routes/health.js"), () => import("./routes/status.js"), () => import("./routes/definitions.js"), () => import("./routes/events.js"), () => import("./routes/runs.js"), () => import("./routes/queue-usage.js")];
