import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { SSEServerTransport } from "@modelcontextprotocol/sdk/server/sse.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { z } from "zod";

export interface McpHttpServer {
  /** Streamable HTTP endpoint. */
  url: string;
  /** SSE endpoint (the legacy transport): GET opens the stream, POST /messages sends. */
  sseUrl: string;
  /** The headers of every request received, in order. */
  headers: IncomingHttpHeaders[];
  /** Answer every request with this status (401, 500...) instead of MCP; undefined to serve again. */
  failWith: number | undefined;
  close(): Promise<void>;
}

/**
 * A real MCP server over HTTP on 127.0.0.1 port 0, built with the SDK's
 * McpServer: one tool, `lookup_order` {id} -> "order <id>: shipped". Streamable
 * HTTP is served stateless (a server per request, as the SDK's example does).
 */
export async function startMcpHttpServer(): Promise<McpHttpServer> {
  const sse = new Map<string, SSEServerTransport>();
  const mcp = (): McpServer => {
    const server = new McpServer({ name: "storefront", version: "1.0.0" });
    server.registerTool("lookup_order", { description: "Looks up an order.", inputSchema: { id: z.string() } }, ({ id }) => ({ content: [{ type: "text", text: `order ${id}: shipped` }] }));
    return server;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    state.headers.push(req.headers);
    if (state.failWith !== undefined) {
      res.writeHead(state.failWith, { "content-type": "text/plain" }).end("refused by the test");
      return;
    }
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    if (path === "/mcp") {
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      const server = mcp();
      res.on("close", () => void server.close());
      await server.connect(transport);
      await transport.handleRequest(req, res);
    } else if (path === "/sse" && req.method === "GET") {
      const transport = new SSEServerTransport("/messages", res);
      sse.set(transport.sessionId, transport);
      res.on("close", () => sse.delete(transport.sessionId));
      await mcp().connect(transport);
    } else if (path === "/messages" && req.method === "POST") {
      const transport = sse.get(new URL(req.url ?? "/", "http://127.0.0.1").searchParams.get("sessionId") ?? "");
      if (transport) await transport.handlePostMessage(req, res);
      else res.writeHead(404).end();
    } else {
      res.writeHead(404).end();
    }
  };

  const http = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((done) => http.listen(0, "127.0.0.1", done));
  const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const state: McpHttpServer = {
    url: `${base}/mcp`,
    sseUrl: `${base}/sse`,
    headers: [],
    failWith: undefined,
    close: async () => {
      http.closeAllConnections();
      await new Promise<void>((done) => http.close(() => done()));
    },
  };
  return state;
}
