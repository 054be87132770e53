// A small MCP server over stdio for the fault tests, built with the SDK's McpServer.
// Plain JavaScript so that `node test/support/mcp-stdio-server.mjs` runs it as is.
//   --exit-at-once   writes a reason to stderr and exits 2 before answering anything
//   --silent         starts but never answers (a server stuck before initialize)
import { spawn } from "node:child_process";
import { setInterval } from "node:timers";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

if (process.argv.includes("--exit-at-once")) {
  process.stderr.write("fatal: TEST_TOKEN is not set\n");
  process.exit(2);
}
if (process.argv.includes("--silent")) {
  setInterval(() => {}, 60_000);
} else {
  const server = new McpServer({ name: "nexaas-test", version: "1.0.0" });
  const text = (value) => ({ content: [{ type: "text", text: value }] });
  /** Request ids whose call the client cancelled (notifications/cancelled aborts the handler's signal). */
  const cancelled = [];

  server.registerTool("echo", { description: "Returns its text.", inputSchema: { text: z.string() } }, ({ text: value }) => text(value));
  server.registerTool("env", { description: "Returns the environment and the cwd." }, () => text(JSON.stringify({ env: process.env, cwd: process.cwd() })));
  server.registerTool("fail", { description: "Answers with an error result." }, () => ({ content: [{ type: "text", text: "the order does not exist" }], isError: true }));
  server.registerTool("big", { description: "Returns `chars` characters.", inputSchema: { chars: z.number() } }, ({ chars }) => text("x".repeat(chars)));
  server.registerTool("mixed", { description: "Returns every kind of content." }, () => ({
    content: [
      { type: "text", text: "a text" },
      { type: "image", data: "iVBORw0KGgo=", mimeType: "image/png" },
      { type: "audio", data: "AAAA", mimeType: "audio/wav" },
      { type: "resource", resource: { uri: "file:///notes.txt", text: "embedded text" } },
      { type: "resource", resource: { uri: "file:///logo.bin", blob: "AAAA", mimeType: "application/octet-stream" } },
      { type: "resource_link", uri: "file:///report.pdf", name: "report" },
    ],
  }));
  server.registerTool("crash", { description: "Exits in the middle of the call." }, () => {
    process.stderr.write("crashing on purpose\n");
    process.exit(3);
  });
  server.registerTool("hang", { description: "Never answers; records its cancellation." }, (extra) => new Promise((done) => {
    extra.signal.addEventListener("abort", () => {
      cancelled.push(extra.requestId);
      done(text("cancelled"));
    });
  }));
  /** Calls of `barrier` waiting for the others: it answers only once `count` calls are in flight together. */
  const waiting = [];
  server.registerTool("barrier", { description: "Answers once `count` calls are in flight at the same time.", inputSchema: { count: z.number() } }, ({ count }) => new Promise((done) => {
    waiting.push(done);
    if (waiting.length >= count) for (const release of waiting.splice(0)) release(text(`released with ${count} in flight`));
  }));
  server.registerTool("cancellations", { description: "The request ids the client cancelled." }, () => text(JSON.stringify(cancelled)));
  server.registerTool("grandchild", { description: "Starts a process in the server's group, returns its pid." }, () => {
    const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 60000)"], { stdio: "ignore" });
    return text(String(child.pid));
  });
  await server.connect(new StdioServerTransport());
}
