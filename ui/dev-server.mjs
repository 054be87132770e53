// A preview of the status page without the controller: serves the built page
// (dist/ui, from `npm run build:ui`) with the controller's security headers and
// a fake API answering fixture JSON (ui/fixtures.mjs). Sign in with the token
// "demo". Usage: `npm run preview:ui` (PORT, default 8401).
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { fixtures } from "./fixtures.mjs";

const dist = fileURLToPath(new URL("../dist/ui/", import.meta.url));
const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml" };
// The headers the contract of issue 14 gives the controller's UI responses.
const securityHeaders = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
};

const sessions = new Set();

function send(res, status, body, headers = {}) {
  const json = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { ...securityHeaders, ...(json ? { "content-type": "application/json; charset=utf-8" } : {}), ...headers });
  res.end(json);
}

const cookieOf = (req) => /(?:^|;\s*)nexaas_session=([^;]+)/.exec(req.headers.cookie ?? "")?.[1];
const signedIn = (req) => sessions.has(cookieOf(req)) || req.headers.authorization === "Bearer demo";

async function readBody(req) {
  let text = "";
  for await (const chunk of req) text += chunk;
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

function api(req, res, url, data) {
  const path = url.pathname;
  const q = url.searchParams;
  if (path === "/api/status") return send(res, 200, data.status);
  if (path === "/api/queue") return send(res, 200, data.queue);
  if (path === "/api/agents") return send(res, 200, data.agents);
  if (path === "/api/events") {
    const list = data.events.filter((e) => (!q.get("status") || e.status === q.get("status")) && (!q.get("agent") || e.agent === q.get("agent")));
    return send(res, 200, list);
  }
  const eventId = /^\/api\/events\/([^/]+)$/.exec(path)?.[1];
  if (eventId) {
    const event = data.events.find((e) => e.id === decodeURIComponent(eventId));
    if (!event) return send(res, 404, { error: "not_found", message: `no event ${JSON.stringify(decodeURIComponent(eventId))}` });
    const nextFire = event.next_fire_at ? [0, 1, 2, 3, 4].map((i) => new Date(Date.parse(event.next_fire_at) + i * 3_600_000).toISOString()) : [];
    const lastRuns = data.runs.filter((r) => r.event_id === event.id).slice(0, 10);
    return send(res, 200, { ...event, next_fire_times: nextFire, last_runs: lastRuns });
  }
  if (path === "/api/runs") {
    const limit = Number(q.get("limit") ?? 50);
    const before = Number(q.get("before") ?? Infinity);
    const page = data.runs.filter((r) => r.id < before && (!q.get("event") || r.event_id === q.get("event")) && (!q.get("status") || r.status === q.get("status"))).slice(0, limit);
    return send(res, 200, { runs: page, next_before: page.length === limit ? page[page.length - 1].id : null });
  }
  const runId = /^\/api\/runs\/([0-9]+)$/.exec(path)?.[1];
  if (runId) {
    const run = data.runs.find((r) => r.id === Number(runId));
    if (!run) return send(res, 404, { error: "not_found", message: `no run "${runId}"` });
    return send(res, 200, { ...run, payload: run.trigger === "webhook" ? '{"order":42,"note":"<b>rush</b>"}' : null, steps: run.event_id === "low-stock-check" ? data.steps : [] });
  }
  if (path === "/api/usage") return send(res, 200, { since: q.get("since") ?? new Date().toISOString(), until: null, ...data.usage });
  if (path === "/api/revisions") return send(res, 200, { revisions: data.revisions, next_before: null });
  return send(res, 404, { error: "not_found", message: `no route ${req.method} ${path}` });
}

async function session(req, res) {
  if (req.method === "POST") {
    const body = await readBody(req);
    if (body.token !== "demo") return send(res, 401, { error: "unauthorized", message: "wrong, expired or revoked token" });
    const id = randomBytes(16).toString("hex");
    sessions.add(id);
    return send(res, 204, undefined, { "set-cookie": `nexaas_session=${id}; HttpOnly; SameSite=Strict; Path=/` });
  }
  if (req.method === "DELETE") {
    sessions.delete(cookieOf(req));
    return send(res, 204, undefined, { "set-cookie": "nexaas_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0" });
  }
  if (!signedIn(req)) return send(res, 401, { error: "unauthorized", message: "sign in" });
  return send(res, 200, fixtures().session);
}

async function asset(res, path) {
  const file = normalize(join(dist, path));
  if (!file.startsWith(dist)) return send(res, 404, { error: "not_found", message: "no such file" });
  try {
    const body = await readFile(file);
    const cache = path.startsWith("assets/") ? "public, max-age=31536000, immutable" : "no-cache";
    res.writeHead(200, { ...securityHeaders, "content-type": types[extname(file)] ?? "application/octet-stream", "cache-control": cache });
    res.end(body);
  } catch {
    send(res, 404, { error: "not_found", message: `no file ${path}` });
  }
}

/** Starts the preview on 127.0.0.1:`port` (0 for any); resolves to its URL and a close function. */
export function startPreview(port = 0) {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/api/session") return void session(req, res);
    if (url.pathname.startsWith("/api/")) return signedIn(req) ? api(req, res, url, fixtures()) : send(res, 401, { error: "unauthorized", message: "sign in" });
    if (url.pathname.startsWith("/assets/")) return void asset(res, url.pathname.slice(1));
    return void asset(res, "index.html");
  });
  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      resolve({ url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : port}`, close: () => new Promise((done) => server.close(done)) });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { url } = await startPreview(Number(process.env.PORT ?? 8401));
  process.stdout.write(`status page preview on ${url} (sign in with the token "demo"; dist/ui from npm run build:ui)\n`);
}
