// Issue 12: the start cost of an MCP stdio server, as an agent's attempt pays it:
// connectServers() with @modelcontextprotocol/server-filesystem (spawn, initialize,
// tools/list) and then close() (SIGTERM to its group, wait for the exit). Beside it, the
// same start through the SDK's own StdioClientTransport (the peer our transport replaces)
// and the `node -e 0` baseline, interleaved round by round so machine load hits all alike.
/* global AbortController */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { nodeBaseline, ratio, repoRoot, table, tempDir } from "./lib.mjs";

const dist = (path) => import(pathToFileURL(join(repoRoot, "dist", "controller", ...path.split("/"))).href);
const { connectServers } = await dist("agents/mcp/connect-servers.js");

const require = createRequire(import.meta.url);
const serverScript = join(dirname(require.resolve("@modelcontextprotocol/server-filesystem/package.json")), "dist", "index.js");
const workspace = tempDir("mcp-start");
writeFileSync(join(workspace, "stock-sample.csv"), "sku,qty\nA-1,12\n");
const spec = { name: "filesystem", type: "stdio", command: process.execPath, args: [serverScript, workspace] };
const options = () => ({ workspaceDir: workspace, resolve: (text) => text, signal: new AbortController().signal });

const runs = 10;
const warmup = 2;
const samples = { baseline: [], start: [], close: [], sdk: [], sdkClose: [] };
let toolCount = 0;
for (let round = 0; round < warmup + runs; round++) {
  const keep = round >= warmup;
  let t = performance.now();
  const base = spawnSync(nodeBaseline.cmd, nodeBaseline.args);
  if (base.status !== 0) throw new Error("node -e 0 failed");
  if (keep) samples.baseline.push(performance.now() - t);

  t = performance.now();
  const mcp = await connectServers([spec], options());
  if (keep) samples.start.push(performance.now() - t);
  toolCount = mcp.tools.length;
  t = performance.now();
  await mcp.close();
  if (keep) samples.close.push(performance.now() - t);

  t = performance.now();
  const client = new Client({ name: "bench", version: "1" });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [serverScript, workspace], cwd: workspace, stderr: "ignore" }));
  await client.listTools();
  if (keep) samples.sdk.push(performance.now() - t);
  t = performance.now();
  await client.close();
  if (keep) samples.sdkClose.push(performance.now() - t);
}

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
};
const base = quantile(samples.baseline, 0.5);
const row = (name, values) => [name, values.length, quantile(values, 0.5).toFixed(1), quantile(values, 0.95).toFixed(1), ratio(quantile(values, 0.5), base)];
console.log(`server-filesystem over stdio, ${toolCount} tools; ${runs} starts after ${warmup} warm-up`);
table(["subject", "runs", "p50 ms", "p95 ms", "x node -e 0"], [
  row(nodeBaseline.name, samples.baseline),
  row("connectServers: spawn + initialize + tools/list", samples.start),
  row("close(): SIGTERM group, wait for exit", samples.close),
  row("SDK StdioClientTransport: connect + listTools", samples.sdk),
  row("SDK client.close()", samples.sdkClose),
]);
