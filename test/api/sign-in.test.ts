import { afterEach, describe, expect, it } from "vitest";
import { revokeApiToken } from "../../controller/store/revoke-api-token.js";
import { apiKey, bearer, type HttpServer, httpServer } from "./http-server.js";

let server: HttpServer;
afterEach(async () => server?.close());

const lastUsed = (s: HttpServer, name: string): unknown => s.db.prepare("SELECT last_used_at FROM api_tokens WHERE name = ?").pluck().get(name);
/** The `nexaas_session=...` pair of a response's Set-Cookie, for the next request's Cookie header. */
const sessionPair = (response: Response): string => (response.headers.getSetCookie()[0] ?? "").split(";", 1)[0] ?? "";

describe("named tokens as bearer tokens", () => {
  it("accepts a good one on every read route; refuses a wrong, an expired and a revoked one (403)", async () => {
    server = await httpServer();
    const good = await server.token("dashboard");
    const expired = await server.token("old", new Date("2026-11-23T09:00:00.000Z"));
    const revoked = await server.token("gone");
    await revokeApiToken(server.sql, "gone", server.clock.now());

    for (const path of ["/api/status", "/api/events", "/api/runs", "/api/usage", "/api/queue", "/api/revisions", "/metrics"]) {
      expect((await server.get(path, bearer(good))).status, path).toBe(200);
    }
    const wrong = await server.get("/api/status", bearer(`nxs_${"A".repeat(43)}`));
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toEqual({ error: "forbidden", message: "wrong token" });
    expect(await (await server.get("/api/status", bearer(expired))).json()).toMatchObject({ error: "forbidden", message: expect.stringContaining('token "old" expired') });
    expect(await (await server.get("/api/status", bearer(revoked))).json()).toMatchObject({ error: "forbidden", message: 'token "gone" was revoked' });
    expect((await server.get("/api/status", bearer(apiKey))).status).toBe(200);
    expect((await server.get("/api/status")).status).toBe(401);
  });

  it("notes last_used_at at most once a minute", async () => {
    server = await httpServer();
    const token = await server.token("poller");
    expect(lastUsed(server, "poller")).toBeNull();
    await server.get("/api/status", bearer(token));
    expect(lastUsed(server, "poller")).toBe("2026-11-23T10:00:00.000Z");
    server.clock.advance(30_000);
    await server.get("/api/status", bearer(token));
    expect(lastUsed(server, "poller")).toBe("2026-11-23T10:00:00.000Z");
    server.clock.advance(30_000);
    await server.get("/api/status", bearer(token));
    expect(lastUsed(server, "poller")).toBe("2026-11-23T10:01:00.000Z");
  });
});

describe("sign-in with a session cookie", () => {
  it("signs in with a named token: an HttpOnly, SameSite=Strict cookie that reads every /api route, until logout", async () => {
    server = await httpServer();
    const token = await server.token("alice", new Date("2026-12-23T10:00:00.000Z"));
    const signIn = await server.request("POST", "/api/session", { body: { token } });
    expect(signIn.status).toBe(204);
    const setCookie = signIn.headers.getSetCookie();
    expect(setCookie).toHaveLength(1);
    expect(setCookie[0]).toMatch(/^nexaas_session=[^;]+; Max-Age=604800; Path=\/; HttpOnly; SameSite=Strict$/);
    const cookie = { cookie: sessionPair(signIn) };
    expect(await (await server.get("/api/session", cookie)).json()).toEqual({ name: "alice", expires_at: "2026-12-23T10:00:00.000Z" });
    expect((await server.get("/api/status", cookie)).status).toBe(200);
    expect((await server.get("/api/runs?limit=5", cookie)).status).toBe(200);

    const logout = await server.request("DELETE", "/api/session", { headers: cookie });
    expect(logout.status).toBe(204);
    expect(logout.headers.getSetCookie()[0]).toMatch(/^nexaas_session=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict$/);
    // A copy of the cookie kept after logout is refused: the session is gone from the store.
    const after = await server.get("/api/status", cookie);
    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({ error: "unauthorized", message: "the session ended: sign in again" });
  });

  it("refuses a wrong, an expired and a revoked token (401); a session ends when its token is revoked", async () => {
    server = await httpServer();
    const token = await server.token("bob");
    const expired = await server.token("old", new Date("2026-11-23T09:59:59.000Z"));
    for (const [body, message] of [
      [{ token: "nope" }, "wrong token"],
      [{ token: expired }, 'token "old" expired at 2026-11-23T09:59:59.000Z'],
    ] as const) {
      const refused = await server.request("POST", "/api/session", { body });
      expect(refused.status).toBe(401);
      expect(await refused.json()).toEqual({ error: "unauthorized", message });
      expect(refused.headers.getSetCookie()).toEqual([]);
    }
    expect((await server.request("POST", "/api/session", { body: {} })).status).toBe(400);

    const cookie = { cookie: sessionPair(await server.request("POST", "/api/session", { body: { token } })) };
    expect((await server.get("/api/session", cookie)).status).toBe(200);
    await revokeApiToken(server.sql, "bob", server.clock.now());
    expect((await server.get("/api/session", cookie)).status).toBe(401);
    expect((await server.request("POST", "/api/session", { body: { token } })).status).toBe(401);
  });

  it("signs in with API_KEY; a forged or tampered cookie is refused; a session ends after 7 days", async () => {
    server = await httpServer();
    const pair = sessionPair(await server.request("POST", "/api/session", { body: { token: apiKey } }));
    expect(await (await server.get("/api/session", { cookie: pair })).json()).toEqual({ name: "API_KEY", expires_at: null });
    const [id, issued, name] = pair.slice("nexaas_session=".length).split(".");
    const renamed = `nexaas_session=${id}.${issued}.${Buffer.from("alice").toString("base64url")}.${pair.split(".")[3]}`;
    expect((await server.get("/api/status", { cookie: renamed })).status).toBe(401);
    expect((await server.get("/api/status", { cookie: `nexaas_session=${id}.${issued}.${name}.AAAA` })).status).toBe(401);
    server.clock.advance(7 * 86_400_000 + 1000);
    expect((await server.get("/api/status", { cookie: pair })).status).toBe(401);
  });

  it("adds Secure to the cookie, and HSTS, under HTTPS (a trusted proxy's X-Forwarded-Proto)", async () => {
    server = await httpServer({ trustProxy: true });
    const https = { "x-forwarded-proto": "https" };
    const signIn = await server.request("POST", "/api/session", { body: { token: apiKey }, headers: https });
    expect(signIn.headers.getSetCookie()[0]).toMatch(/; HttpOnly; Secure; SameSite=Strict$/);
    expect(signIn.headers.get("strict-transport-security")).toBe("max-age=31536000");
    const plain = await server.request("POST", "/api/session", { body: { token: apiKey } });
    expect(plain.headers.getSetCookie()[0]).not.toMatch(/Secure/);
    expect(plain.headers.get("strict-transport-security")).toBeNull();
  });

  it("rate-limits failed sign-ins per address: 10 a minute, then 429 with Retry-After, even for a good token", async () => {
    server = await httpServer();
    const token = await server.token("carol");
    for (let i = 0; i < 10; i++) expect((await server.request("POST", "/api/session", { body: { token: `guess-${i}` } })).status).toBe(401);
    const limited = await server.request("POST", "/api/session", { body: { token } });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("60");
    expect(await limited.json()).toMatchObject({ error: "too_many_requests" });
    // Bearer guesses count against the same address too.
    expect((await server.get("/api/status", bearer(token))).status).toBe(429);
    server.clock.advance(45_000);
    expect((await server.request("POST", "/api/session", { body: { token } })).headers.get("retry-after")).toBe("15");
    server.clock.advance(15_000);
    expect((await server.request("POST", "/api/session", { body: { token } })).status).toBe(204);
  });

  it("logs a failed sign-in at warn without the token: the name when it is a known one, else nothing of it", async () => {
    server = await httpServer();
    const revoked = await server.token("dave");
    await revokeApiToken(server.sql, "dave", server.clock.now());
    const good = await server.token("erin");
    const guess = "nxs_someone-elses-guess-0123456789abcdefghijklmn";
    await server.request("POST", "/api/session", { body: { token: guess } });
    await server.request("POST", "/api/session", { body: { token: revoked } });
    await server.get("/api/status", bearer(revoked));
    const signIn = await server.request("POST", "/api/session", { body: { token: good } });
    await server.get("/api/status", { cookie: sessionPair(signIn) });

    const lines = server.logs.map((line) => JSON.parse(line) as { level: number; msg: string; token_name?: string });
    const warnings = lines.filter((l) => l.level === 40);
    expect(warnings.map((w) => [w.msg, w.token_name])).toEqual([
      ["sign-in refused", undefined],
      ["sign-in refused", "dave"],
      ["bearer token refused", "dave"],
    ]);
    const all = server.logs.join("\n");
    for (const secret of [guess, revoked, good, apiKey, sessionPair(signIn).split("=")[1] ?? "?", "someone-elses"]) expect(all).not.toContain(secret);
  });
});
