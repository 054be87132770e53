import { existsSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance, FastifyReply } from "fastify";

/** A year: asset names carry a hash of their content, so a changed asset is a new name. */
const assetMaxAgeMs = 365 * 86_400_000;

/** Whether `uiDir` holds a built status page. */
export const hasUi = (uiDir: string | null): uiDir is string => uiDir !== null && existsSync(join(uiDir, "index.html"));

/**
 * Paths the page's client routes may take (/, /login, /runs/12): every one but
 * the API's, the webhooks', /metrics and the assets'.
 */
export function isAppPath(path: string): boolean {
  return !/^\/(?:api|hooks|metrics|assets)(?:\/|$)/.test(path);
}

/** GET /assets/* from the built page (public: the page loads before its sign-in). */
export default async function uiAssets(app: FastifyInstance): Promise<void> {
  const uiDir = app.deps.uiDir;
  if (uiDir === null) return;
  const assets = join(uiDir, "assets");
  app.get<{ Params: { "*": string } }>("/assets/*", { config: { public: true } }, (request, reply) =>
    reply.sendFile(request.params["*"], assets, { maxAge: assetMaxAgeMs, immutable: true, dotfiles: "deny" }),
  );
}

/** The page itself, for any client route; never cached, so a new build's asset names are seen at once. */
export function serveApp(app: FastifyInstance, reply: FastifyReply): FastifyReply {
  const uiDir = app.deps.uiDir;
  // Looked for at each request: a file gone (a rebuild under way) would send sendFile back to the not-found handler, and round again.
  if (!hasUi(uiDir)) {
    return reply.code(503).type("text/plain; charset=utf-8").send("The status page was not built (dist/ui/index.html is missing): run `npm run build`, then restart. The API is at /api/.\n");
  }
  return reply.header("cache-control", "no-cache").sendFile("index.html", uiDir, { cacheControl: false });
}
