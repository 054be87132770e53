import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { contentSecurityPolicy } from "../../controller/api/security-headers.js";
import { tempDir } from "../cli/helpers.js";
import { apiKey, bearer, type HttpServer, httpServer } from "./http-server.js";

let server: HttpServer;
afterEach(async () => server?.close());

const indexHtml = '<!doctype html><html><head><script type="module" src="/assets/app-1a2b3c.js"></script></head><body></body></html>\n';

/** A stand-in for dist/ui as the UI's build writes it. */
function fakeUi(): string {
  const dir = tempDir("nexaas-ui-");
  mkdirSync(join(dir, "assets"));
  writeFileSync(join(dir, "index.html"), indexHtml);
  writeFileSync(join(dir, "assets", "app-1a2b3c.js"), "console.log('app');\n");
  writeFileSync(join(dir, "assets", "app-1a2b3c.css"), "body{color:#222}\n");
  writeFileSync(join(dir, "secret.txt"), "outside assets\n");
  return dir;
}

function expectSecurityHeaders(response: Response): void {
  expect(response.headers.get("content-security-policy")).toBe(
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  );
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  expect(response.headers.get("referrer-policy")).toBe("no-referrer");
  expect(response.headers.get("x-frame-options")).toBe("DENY");
  expect(response.headers.get("cross-origin-opener-policy")).toBe("same-origin");
  expect(response.headers.get("permissions-policy")).toContain("camera=()");
  // Plain HTTP: no HSTS.
  expect(response.headers.get("strict-transport-security")).toBeNull();
}

describe("the status page", () => {
  it("serves / and every client route without a token: index.html, never cached, with the security headers", async () => {
    server = await httpServer({ uiDir: fakeUi() });
    for (const path of ["/", "/login", "/events/daily", "/runs/12", "/usage?since=2026-11-01"]) {
      const response = await server.get(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/html/);
      expect(response.headers.get("cache-control")).toBe("no-cache");
      expectSecurityHeaders(response);
      expect(await response.text()).toBe(indexHtml);
    }
    expect(contentSecurityPolicy).not.toContain("unsafe");
  });

  it("serves /assets/* with a year's immutable cache, and nothing outside assets/", async () => {
    server = await httpServer({ uiDir: fakeUi() });
    const script = await server.get("/assets/app-1a2b3c.js");
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toMatch(/javascript/);
    expect(script.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expectSecurityHeaders(script);
    expect(await script.text()).toBe("console.log('app');\n");
    expect((await server.get("/assets/app-1a2b3c.css")).headers.get("content-type")).toMatch(/^text\/css/);
    expect((await server.get("/assets/missing-000.js")).status).toBe(404);
    // fetch folds "/assets/../" itself (to /secret.txt, a client route: the page); encoded, it reaches the server.
    for (const path of ["/assets/../secret.txt", "/assets/%2e%2e/secret.txt", "/assets/..%2fsecret.txt", "/assets/%2e%2e%2fsecret.txt"]) {
      expect(await (await server.get(path)).text(), path).not.toContain("outside assets");
    }
  });

  it("keeps every /api route but health and sign-in behind a token, with the security headers on JSON too", async () => {
    server = await httpServer({ uiDir: fakeUi() });
    const health = await server.get("/api/health");
    expect(health.status).toBe(200);
    expectSecurityHeaders(health);
    for (const path of ["/api/status", "/api/session", "/api/revisions", "/api/nothing-here", "/metrics"]) {
      const response = await server.get(path);
      expect(response.status, path).toBe(401);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expectSecurityHeaders(response);
    }
    expect((await server.get("/api/nothing-here", bearer(apiKey))).status).toBe(404);
    // A POST to a client route is no page.
    expect((await server.request("POST", "/login", { body: {} })).status).toBe(404);
  });

  it("answers / with a plain-text 503 when the page was not built, and the API still works", async () => {
    server = await httpServer({ uiDir: join(tempDir(), "no-such-ui") });
    const response = await server.get("/");
    expect(response.status).toBe(503);
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await response.text()).toContain("status page was not built");
    expectSecurityHeaders(response);
    expect((await server.get("/assets/app.js")).status).toBe(404);
    expect((await server.get("/api/status", bearer(apiKey))).status).toBe(200);
  });
});
