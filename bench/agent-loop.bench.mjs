// Issue 12: what the tool loop itself costs, beside the model and the MCP server it drives.
//   1. Overhead per tool call: runAgent (claude_chat's loop: permissions, masking, capping, a
//      transcript row per turn and call, usage rows) against a scripted Messages API on
//      loopback and a local stdio MCP server (test/support/mcp-stdio-server.mjs, `echo`),
//      beside a replay of the very same requests straight through the SDKs (the Anthropic
//      client's stream, the MCP client's callTool). Runs of 10 and 110 calls, so connecting
//      and closing the server (a fixed cost per attempt, bench/mcp-start) cancels out:
//      overhead per call = ((loop110 - loop10) - (direct110 - direct10)) / 100. Goal: < 2 ms.
//   2. Memory of a 20-turn run (one call per turn, 10 KB results): heap growth while it runs
//      and what is left after it, with the collector run (node --expose-gc).
/* global AbortController */
import { spawnSync } from "node:child_process";
import { clearInterval, setInterval } from "node:timers";
import { createServer } from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import Anthropic from "@anthropic-ai/sdk";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { goal, repoRoot, stats, table, tempDir } from "./lib.mjs";

if (typeof globalThis.gc !== "function") {
  // The memory figure needs the collector on call: run again with it.
  const again = spawnSync(process.execPath, ["--expose-gc", ...process.argv.slice(1)], { stdio: "inherit" });
  process.exit(again.status ?? 1);
}

const dist = (path) => import(pathToFileURL(join(repoRoot, "dist", "controller", ...path.split("/"))).href);
const { openDatabase, closeDatabase } = await dist("store/open-database.js");
const { upsertObject } = await dist("store/write-object.js");
const { objectDigest } = await dist("definitions/canonical-json.js");
const { runAgent } = await dist("agents/run-agent.js");
const { sqliteSql } = await dist("store/sql/sqlite-sql.js");
const { createLogger } = await dist("log.js");
const { systemClock } = await dist("clock.js");

const serverScript = join(repoRoot, "test", "support", "mcp-stdio-server.mjs");
const dir = tempDir("agent-loop");

// A Messages API that streams a scripted reply: `echo` tool calls until the run's count, then text.
let plan = { calls: 0, resultBytes: 0 };
const requests = [];
const api = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    requests.push(body);
    const done = body.messages.filter((m) => m.role === "assistant").length;
    const block = done < plan.calls
      ? { type: "tool_use", id: `toolu_${done}`, name: "mcp__bench__echo", input: { text: "x".repeat(plan.resultBytes) } }
      : { type: "text", text: "done" };
    res.writeHead(200, { "content-type": "text/event-stream" });
    const send = (event, data) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    const usage = { input_tokens: 100, output_tokens: 10, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
    send("message_start", { type: "message_start", message: { id: `msg_${done}`, type: "message", role: "assistant", model: body.model, content: [], stop_reason: null, stop_sequence: null, usage } });
    send("content_block_start", { type: "content_block_start", index: 0, content_block: block.type === "text" ? { type: "text", text: "" } : { ...block, input: {} } });
    send("content_block_delta", { type: "content_block_delta", index: 0, delta: block.type === "text" ? { type: "text_delta", text: block.text } : { type: "input_json_delta", partial_json: JSON.stringify(block.input) } });
    send("content_block_stop", { type: "content_block_stop", index: 0 });
    send("message_delta", { type: "message_delta", delta: { stop_reason: block.type === "text" ? "end_turn" : "tool_use", stop_sequence: null }, usage: { output_tokens: 10 } });
    send("message_stop", { type: "message_stop" });
    res.end();
  });
});
await new Promise((done) => api.listen(0, "127.0.0.1", done));
const baseURL = `http://127.0.0.1:${api.address().port}`;
const client = new Anthropic({ apiKey: "sk-bench", baseURL, maxRetries: 0, logLevel: "off" });

const db = openDatabase(join(dir, "nexaas.db"));
const define = (kind, name, spec) => upsertObject(sqliteSql(db), { kind, name, layer: "workspace", file: `${kind}/${name}`, spec, digest: objectDigest("workspace", spec) }, "rev-bench", new Date());
await define("workspace", "workspace", { name: "bench", defaults: { model: "claude-sonnet-5-5", max_tokens: 1000 } });
await define("agent", "bencher", { name: "bencher", description: "Calls echo.", prompt: "Call echo.\n", mcp_servers: ["bench"], max_turns: 500, max_tool_calls: 1000 });
await define("mcp_server", "bench", { name: "bench", type: "stdio", command: process.execPath, args: [serverScript] });
let runId = 0;
const newRun = () => {
  runId += 1;
  db.prepare("INSERT INTO event_runs (id, event_id, scheduled_for, trigger, status, attempt, created_at) VALUES (?, 'bench', ?, 'manual', 'running', 1, ?)").run(runId, new Date().toISOString(), new Date().toISOString());
  return runId;
};
const runtime = (id) => ({
  sql: sqliteSql(db),
  client,
  runId: id,
  eventId: "bench",
  attempt: 1,
  signal: new AbortController().signal,
  workspaceDir: dir,
  env: {},
  clock: systemClock,
  log: createLogger({ LOG_LEVEL: "silent" }),
  resolve: (text) => text,
  mask: (text) => text,
  cap: (text, max) => (Buffer.byteLength(text) > max ? text.slice(0, max) : text),
  checkEgress: async () => {},
  dailyBudgetUsd: undefined,
});

async function loopRun(calls, resultBytes = 4) {
  plan = { calls, resultBytes };
  requests.length = 0;
  const t = performance.now();
  await runAgent(runtime(newRun()), { agent: "bencher", label: "bench", messages: [{ role: "user", content: "go" }] });
  return { ms: performance.now() - t, bodies: [...requests] };
}

/** The same requests the loop sent, straight through the SDKs: the model's stream, then the tool call. */
async function directRun(bodies, mcp) {
  const t = performance.now();
  for (const body of bodies) {
    const message = await client.messages.stream(body).finalMessage();
    const call = message.content.find((b) => b.type === "tool_use");
    if (call) await mcp.callTool({ name: "echo", arguments: call.input });
  }
  return performance.now() - t;
}

const mcp = new Client({ name: "bench", version: "1" });
await mcp.connect(new StdioClientTransport({ command: process.execPath, args: [serverScript], stderr: "ignore" }));

const rounds = 5;
const perCall = [];
const figures = { loop10: [], loop110: [], direct10: [], direct110: [] };
await loopRun(5); // warm-up: JIT, the SQLite statements, the server's module cache
for (let round = 0; round < rounds; round++) {
  const small = await loopRun(10);
  const large = await loopRun(110);
  const d10 = await directRun(small.bodies, mcp);
  const d110 = await directRun(large.bodies, mcp);
  figures.loop10.push(small.ms);
  figures.loop110.push(large.ms);
  figures.direct10.push(d10);
  figures.direct110.push(d110);
  perCall.push((large.ms - small.ms - (d110 - d10)) / 100);
}
await mcp.close();

const row = (name, samples) => [name, stats(samples).median.toFixed(1), stats(samples).p90.toFixed(1)];
table(["subject", "median ms", "p90 ms"], [row("loop, 10 calls", figures.loop10), row("loop, 110 calls", figures.loop110), row("direct SDK calls, 10", figures.direct10), row("direct SDK calls, 110", figures.direct110)]);
const overhead = stats(perCall).median;
console.log(`loop overhead per tool call (median of ${rounds}): ${overhead.toFixed(3)} ms; per call through the loop: ${((stats(figures.loop110).median - stats(figures.loop10).median) / 100).toFixed(2)} ms, direct: ${((stats(figures.direct110).median - stats(figures.direct10).median) / 100).toFixed(2)} ms`);
goal("tool loop overhead per call", overhead, 2, " ms");

// Memory of a 20-turn run with 10 KB tool results.
globalThis.gc();
const before = process.memoryUsage().heapUsed;
let peak = before;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 1);
await loopRun(19, 10_000);
clearInterval(sampler);
globalThis.gc();
const after = process.memoryUsage().heapUsed;
const mb = (n) => (n / 1024 / 1024).toFixed(1);
console.log(`20-turn run (10 KB results): heap growth at peak ${mb(peak - before)} MB; left after it, collected: ${mb(after - before)} MB; rss ${mb(process.memoryUsage().rss)} MB`);

closeDatabase(db);
api.closeAllConnections();
api.close();
