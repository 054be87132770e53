import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { connectServers, McpServerError } from "../../../controller/agents/mcp/connect-servers.js";
import { startMcpHttpServer, type McpHttpServer } from "../../support/mcp-http-server.js";
import { connectOptions, tempWorkspace } from "../../support/mcp-servers.js";

// A real MCP server over HTTP (the SDK's McpServer) on 127.0.0.1 port 0.
describe("connectServers over Streamable HTTP and SSE", () => {
  let server: McpHttpServer;
  const cleanup: Array<() => unknown> = [];
  beforeEach(async () => {
    server = await startMcpHttpServer();
    const ws = tempWorkspace();
    cleanup.push(ws.remove, () => server.close());
  });
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  const vars = { SHOP_TOKEN: "shop-secret-1", SHOP_URL: "" };
  const call = { signal: new AbortController().signal, timeoutMs: 10_000 };

  for (const type of ["http", "sse"] as const) {
    it(`${type}: resolves \${NAME} in url and headers, lists and calls the tools`, async () => {
      const url = type === "http" ? server.url : server.sseUrl;
      const checked: string[] = [];
      const options = connectOptions(tempWorkspace().dir, { ...vars, SHOP_URL: url }, { checkEgress: (u) => Promise.resolve(void checked.push(u.href)) });
      const mcp = await connectServers([{ name: "storefront", type, url: "${SHOP_URL}", headers: { Authorization: "Bearer ${SHOP_TOKEN}" } }], options);
      cleanup.push(() => mcp.close());
      expect(checked).toEqual([url]);
      expect(mcp.tools.map((t) => t.name)).toEqual(["mcp__storefront__lookup_order"]);
      const [lookup] = mcp.tools;
      if (!lookup) throw new Error("no tool");
      expect(await mcp.call(lookup, { id: "A-17" }, call)).toEqual({ content: [{ type: "text", text: "order A-17: shipped" }], text: "order A-17: shipped", isError: false });
      expect(server.headers.length).toBeGreaterThan(0);
      for (const headers of server.headers) expect(headers.authorization).toBe("Bearer shop-secret-1");
      expect(options.resolved).toContain("shop-secret-1");
    });
  }

  it("an egress refusal fails the server before any request leaves", async () => {
    const options = connectOptions(tempWorkspace().dir, {}, { checkEgress: (u) => Promise.reject(new Error(`egress to ${u.host} is not allowed`)) });
    const error = await connectServers([{ name: "storefront", type: "http", url: server.url }], options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpServerError);
    expect((error as Error).message).toBe(`MCP server "storefront": egress to ${new URL(server.url).host} is not allowed`);
    expect(server.headers).toEqual([]);
  });

  it("an HTTP error status fails the server with the status in the reason", async () => {
    server.failWith = 401;
    const error = await connectServers([{ name: "storefront", type: "http", url: server.url }], connectOptions(tempWorkspace().dir)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpServerError);
    expect((error as Error).message).toMatch(/^MCP server "storefront": .*401/);
  });

  it("a server nobody listens on fails with the connection error", async () => {
    const url = server.url;
    await server.close();
    const error = await connectServers([{ name: "storefront", type: "http", url }], connectOptions(tempWorkspace().dir)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpServerError);
    expect((error as Error).message).toMatch(/^MCP server "storefront": .*ECONNREFUSED/);
  });
});
