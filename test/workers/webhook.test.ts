import { describe, expect } from "vitest";
import { webhookExecutor } from "../../controller/workers/executors/webhook.js";
import { backendTest, sharedStore, storeBackends } from "../support/store-backends.js";
import { failure, loopbackContextOn, loopbackServer } from "./helpers.js";

// Both store backends (issue 16): the webhook reads the workspace's egress, the event and the registries through Sql.
describe.each(storeBackends)("on $name", (backend) => {
  const it = backendTest(backend, "test/workers/webhook");
  // PostgreSQL's cases share a database: they only read definitions, or add ones the others do not mind.
  const store = sharedStore(backend);

  describe("webhook executor", () => {
    it("POSTs a mapping body as JSON with templates rendered, and keeps the answer as output", async () => {
      const server = await loopbackServer((_req, res) => res.end("accepted"));
      const ctx = await loopbackContextOn(
        await store(),
        { type: "webhook", url: `${server.url}/hook/{{event.id}}`, body: { event: "{{event.id}}", user: "{{trigger.payload.user}}", n: 3 } },
        { payload: { user: "ada" } },
      );
      const { output } = await webhookExecutor(ctx);
      expect(output).toBe("accepted");
      const [req] = server.requests;
      expect(req?.method).toBe("POST");
      expect(req?.url).toBe("/hook/nightly");
      expect(req?.headers["content-type"]).toBe("application/json");
      expect(JSON.parse(req?.body ?? "")).toEqual({ event: "nightly", user: "ada", n: 3 });
    });

    it("sends a string body as is with the method asked for", async () => {
      const server = await loopbackServer((_req, res) => res.end("ok"));
      await webhookExecutor(await loopbackContextOn(await store(), { type: "webhook", url: server.url, method: "put", body: "plain {{date.today}}", headers: { "content-type": "text/plain" } }));
      expect(server.requests[0]?.method).toBe("PUT");
      expect(server.requests[0]?.body).toMatch(/^plain \d{4}-\d{2}-\d{2}$/);
      expect(server.requests[0]?.headers["content-type"]).toBe("text/plain");
    });

    it("fails on a 404 with the status and the answer's body", async () => {
      const server = await loopbackServer((_req, res) => {
        res.statusCode = 404;
        res.end("no such hook");
      });
      const error = await failure(webhookExecutor(await loopbackContextOn(await store(), { type: "webhook", url: `${server.url}/missing` })));
      expect(error.code).toBe("http-status");
      expect(error.message).toContain("404");
      expect(error.message).toContain("no such hook");
    });

    it("resolves ${NAME} in headers and url, and keeps the value out of errors", async () => {
      const server = await loopbackServer((req, res) => {
        res.statusCode = 500;
        res.end(`you sent ${String(req.headers.authorization)} to ${req.url}`);
      });
      const env = { TOKEN: "tok-9f8e7d", HOOK_KEY: "key-1234" };
      const ctx = await loopbackContextOn(await store(), { type: "webhook", url: `${server.url}/in/\${HOOK_KEY}`, headers: { authorization: "Bearer ${TOKEN}" } }, { env });
      const error = await failure(webhookExecutor(ctx));
      expect(server.requests[0]?.headers.authorization).toBe("Bearer tok-9f8e7d");
      expect(server.requests[0]?.url).toBe("/in/key-1234");
      expect(error.code).toBe("http-status");
      expect(error.message).toContain("500");
      expect(error.message).not.toContain("tok-9f8e7d");
      expect(error.message).not.toContain("key-1234");
      expect(error.message).toContain("${HOOK_KEY}");
    });

    it("never resolves ${NAME} that arrives inside a template value", async () => {
      const server = await loopbackServer((_req, res) => res.end("ok"));
      const ctx = await loopbackContextOn(await store(), { type: "webhook", url: server.url, body: "got {{trigger.payload.text}}" }, { payload: { text: "${TOKEN}" }, env: { TOKEN: "tok-9f8e7d" } });
      await webhookExecutor(ctx);
      expect(server.requests[0]?.body).toBe("got ${TOKEN}");
    });

    it("fails naming a missing variable", async () => {
      const server = await loopbackServer((_req, res) => res.end("ok"));
      const error = await failure(webhookExecutor(await loopbackContextOn(await store(), { type: "webhook", url: server.url, headers: { authorization: "Bearer ${ABSENT_TOKEN}" } })));
      expect(error.code).toBe("missing-secret");
      expect(error.message).toContain("ABSENT_TOKEN");
      expect(server.requests).toHaveLength(0);
    });

    it("times out on the action's timeout", async () => {
      const server = await loopbackServer(() => undefined); // never answers
      const error = await failure(webhookExecutor(await loopbackContextOn(await store(), { type: "webhook", url: server.url, timeout: "300ms" })));
      expect(error.code).toBe("timeout");
    });

    it("stops when the attempt's signal aborts", async () => {
      const server = await loopbackServer(() => undefined);
      const abort = new AbortController();
      const run = webhookExecutor(await loopbackContextOn(await store(), { type: "webhook", url: server.url }, { signal: abort.signal }));
      await expect.poll(() => server.requests.length).toBe(1);
      abort.abort();
      expect((await failure(run)).code).toBe("timeout");
    });
  });
});
