import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { egressPolicy } from "../../controller/definitions/egress-policy.js";
import type { Resolver } from "../../controller/workers/egress.js";
import { egressRequest, maxRedirects } from "../../controller/workers/egress-request.js";
import { webhookExecutor } from "../../controller/workers/executors/webhook.js";
import { applyEgress, context, failure, freshDb, loopbackContext, loopbackServer, type RecordedRequest } from "./helpers.js";

const redirect = (res: ServerResponse, status: number, location: string): void => {
  res.statusCode = status;
  res.setHeader("location", location);
  res.end(`see ${location}`);
};

describe("webhook egress: where a request may go (finding 6)", () => {
  it.each([
    ["http://169.254.169.254/latest/meta-data/iam/", "169.254.169.254", "cloud metadata"],
    ["http://10.0.0.1/hook", "10.0.0.1", "private address"],
    ["http://[::1]:9/hook", "::1", "loopback"],
    ["http://[::ffff:169.254.169.254]/", "::ffff:a9fe:a9fe", "cloud metadata"],
    ["http://0.0.0.0:9/", "0.0.0.0", "unspecified"],
  ])("refuses %s before connecting, naming the host, without an allowance", async (url, host, what) => {
    // Connecting at all would fail differently: the test setup throws on any socket off loopback.
    const error = await failure(webhookExecutor(context({ type: "webhook", url })));
    expect(error.code).toBe("egress-refused");
    expect(error.message).toContain(host);
    expect(error.message).toContain(what);
    expect(error.message).toMatch(/egress\.allow/);
  });

  it("refuses a name that resolves to loopback (localhost) and a loopback server gets nothing", async () => {
    const server = await loopbackServer((_req, res) => res.end("ok"));
    const port = new URL(server.url).port;
    const byName = await failure(webhookExecutor(context({ type: "webhook", url: `http://localhost:${port}/hook` })));
    expect(byName.code).toBe("egress-refused");
    expect(byName.message).toMatch(/localhost \(resolved to (127\.0\.0\.1|::1)\): a loopback address/);
    const byAddress = await failure(webhookExecutor(context({ type: "webhook", url: `${server.url}/hook` })));
    expect(byAddress.message).toContain("127.0.0.1: a loopback address (127.0.0.0/8)");
    expect(server.requests).toHaveLength(0);
  });

  it("reaches loopback with egress.allow_private, or with a CIDR in egress.allow; metadata stays refused", async () => {
    const server = await loopbackServer((_req, res) => res.end("ok"));
    const privateDb = await applyEgress(freshDb(), { allow_private: true });
    expect((await webhookExecutor(context({ type: "webhook", url: `${server.url}/a` }, { db: privateDb }))).output).toBe("ok");
    const cidrDb = await applyEgress(freshDb(), { allow: ["127.0.0.1/32"] });
    expect((await webhookExecutor(context({ type: "webhook", url: `${server.url}/b` }, { db: cidrDb }))).output).toBe("ok");
    expect(server.requests.map((r) => r.url)).toEqual(["/a", "/b"]);
    const metadata = await failure(webhookExecutor(context({ type: "webhook", url: "http://169.254.169.254/" }, { db: privateDb })));
    expect(metadata.message).toContain("only a CIDR in nexaas.yaml egress.allow allows it");
  });

  it("connects to the address it checked: every address of the name is checked, and the name is resolved once", async () => {
    const server = await loopbackServer((_req, res) => res.end("pinned"));
    const port = new URL(server.url).port;
    const policy = egressPolicy({ allow: ["127.0.0.0/8"] });
    const asked: string[] = [];
    // A resolver that would rebind: the first answer is loopback, any later one a private address.
    const rebinding: Resolver = (host) => {
      asked.push(host);
      return Promise.resolve([{ address: asked.length === 1 ? "127.0.0.1" : "10.0.0.1", family: 4 }]);
    };
    const response = await egressRequest(new URL(`http://hooks.internal.test:${port}/in`), { method: "GET", headers: {} }, { policy, signal: new AbortController().signal, resolve: rebinding });
    response.body.resume();
    expect(response.status).toBe(200);
    expect(asked).toEqual(["hooks.internal.test"]);
    expect(server.requests[0]?.headers.host).toBe(`hooks.internal.test:${port}`);

    const mixed: Resolver = () => Promise.resolve([{ address: "127.0.0.1", family: 4 }, { address: "10.0.0.1", family: 4 }]);
    const error = await failure(egressRequest(new URL(`http://mixed.test:${port}/`), { method: "GET", headers: {} }, { policy, signal: new AbortController().signal, resolve: mixed }));
    expect(error.message).toContain("mixed.test (resolved to 10.0.0.1): a private address");
    expect(server.requests).toHaveLength(1);
  });

  it("a template may not choose the host, even when validation was skipped", async () => {
    const server = await loopbackServer((_req, res) => res.end("ok"));
    const payload = { host: new URL(server.url).host, suffix: ".evil.test" };
    const inHost = await failure(webhookExecutor(await loopbackContext({ type: "webhook", url: "http://{{trigger.payload.host}}/x" }, { payload })));
    expect(inHost.code).toBe("egress-url");
    const env = { BASE_URL: server.url };
    const appended = await failure(webhookExecutor(await loopbackContext({ type: "webhook", url: "${BASE_URL}{{trigger.payload.suffix}}" }, { payload, env })));
    expect(appended.code).toBe("egress-url");
    expect(server.requests).toHaveLength(0);
    await webhookExecutor(await loopbackContext({ type: "webhook", url: "${BASE_URL}/items/{{trigger.payload.suffix}}" }, { payload, env }));
    expect(server.requests.map((r) => r.url)).toEqual(["/items/.evil.test"]);
  });
});

describe("webhook redirects", () => {
  const headers = { authorization: "Bearer ${TOKEN}", "x-api-key": "${API_KEY}", "content-type": "text/plain" };
  const env = { TOKEN: "tok-9f8e7d6c", API_KEY: "key-0a1b2c3d" };

  it("keeps the headers on the same origin, and drops them on another (another port): the body becomes a GET's nothing", async () => {
    const other = await loopbackServer((_req, res) => res.end("landed elsewhere"));
    const first = await loopbackServer((req, res) => {
      if (req.url === "/same") redirect(res, 302, "/final");
      else if (req.url === "/cross") redirect(res, 302, `${other.url}/landing`);
      else res.end("landed here");
    });
    const same = await webhookExecutor(await loopbackContext({ type: "webhook", url: `${first.url}/same`, method: "GET", headers }, { env }));
    expect(same.output).toBe("landed here");
    expect(first.requests.map((r) => [r.url, r.headers.authorization, r.headers["x-api-key"]])).toEqual([
      ["/same", "Bearer tok-9f8e7d6c", "key-0a1b2c3d"],
      ["/final", "Bearer tok-9f8e7d6c", "key-0a1b2c3d"],
    ]);

    const cross = await webhookExecutor(await loopbackContext({ type: "webhook", url: `${first.url}/cross`, headers, body: "payload" }, { env }));
    expect(cross.output).toBe("landed elsewhere");
    const landed: RecordedRequest | undefined = other.requests[0];
    expect(landed?.method).toBe("GET");
    expect(landed?.body).toBe("");
    expect(landed?.headers.authorization).toBeUndefined();
    expect(landed?.headers["x-api-key"]).toBeUndefined();
    expect(JSON.stringify(landed?.headers)).not.toMatch(/tok-9f8e7d6c|key-0a1b2c3d/);
  });

  it("refuses a 307 that would send the body to another origin", async () => {
    const other = await loopbackServer((_req, res) => res.end("no"));
    const first = await loopbackServer((_req, res) => redirect(res, 307, `${other.url}/steal`));
    const error = await failure(webhookExecutor(await loopbackContext({ type: "webhook", url: first.url, headers, body: { secret: "${TOKEN}" } }, { env })));
    expect(error.code).toBe("egress-redirect");
    expect(error.message).toContain(new URL(other.url).host);
    expect(other.requests).toHaveLength(0);
  });

  it(`follows at most ${maxRedirects} redirects`, async () => {
    // /hop/N?end=E redirects to /hop/N+1?end=E until N = E, which answers.
    const server = await loopbackServer((req, res) => {
      const at = new URL(req.url, "http://loopback");
      const n = Number(at.pathname.split("/")[2]);
      const end = Number(at.searchParams.get("end"));
      if (n < end) redirect(res, 302, `/hop/${n + 1}?end=${end}`);
      else res.end("arrived");
    });
    const five = await webhookExecutor(await loopbackContext({ type: "webhook", method: "GET", url: `${server.url}/hop/0?end=${maxRedirects}` }));
    expect(five.output).toBe("arrived");
    expect(server.requests).toHaveLength(maxRedirects + 1);
    const six = await failure(webhookExecutor(await loopbackContext({ type: "webhook", method: "GET", url: `${server.url}/hop/0?end=${maxRedirects + 1}` })));
    expect(six.code).toBe("egress-redirect");
    expect(six.message).toContain(`more than ${maxRedirects} redirects`);
    expect(six.message).toContain(new URL(server.url).host);
  });

  it("checks every hop: a redirect to a refused address is refused before connecting", async () => {
    const first = await loopbackServer((_req, res) => redirect(res, 302, "http://169.254.169.254/latest/meta-data/"));
    const error = await failure(webhookExecutor(await loopbackContext({ type: "webhook", url: first.url, method: "GET" })));
    expect(error.code).toBe("egress-refused");
    expect(error.message).toContain("169.254.169.254");
  });
});
