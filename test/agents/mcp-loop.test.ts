import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect } from "vitest";
import { readRunSteps } from "../../controller/store/run-steps.js";
import { claudeChat } from "../../controller/workers/executors/claude-chat.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import { backendTest, storeBackends } from "../support/store-backends.js";
import { context, define, failure, fakeApi, stopReason } from "../llm/helpers.js";
import { startMcpHttpServer } from "../support/mcp-http-server.js";
import { filesystemServerScript, groupAlive, nodeServer, tempWorkspace, testServerScript } from "../support/mcp-servers.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function workspace(): string {
  const ws = tempWorkspace();
  cleanups.push(ws.remove);
  return ws.dir;
}

/** An agent `clerk` naming the servers given, in a workspace whose egress lets it reach 127.0.0.1. */
async function seed(sql: Sql, servers: Record<string, Record<string, unknown>>, agent: Record<string, unknown> = {}): Promise<void> {
  await define(sql, "workspace", "workspace", {
    name: "shop",
    defaults: { model: "claude-sonnet-5-5", max_tokens: 1000, agent: "clerk" },
    egress: { allow: ["127.0.0.1/32"] },
  });
  await define(sql, "agent", "clerk", { name: "clerk", description: "Reads files.", prompt: "You read files.\n", mcp_servers: Object.keys(servers), ...agent });
  for (const [name, spec] of Object.entries(servers)) await define(sql, "mcp_server", name, spec);
}

type Result = { tool_use_id: string; content: { type: string; text: string }[]; is_error?: boolean };
const resultsOf = (api: Awaited<ReturnType<typeof fakeApi>>, i: number): Result[] =>
  (api.requests[i]?.body.messages as { content: Result[] }[]).at(-1)?.content ?? [];

// Both store backends (issue 16): definitions, the transcript and the stop reason through Sql.
describe.each(storeBackends)("on $name", (backend) => {
  const it = backendTest(backend, "test/agents/mcp-loop");

  describe("the tool loop with real MCP servers", () => {
    it("reads files through the real filesystem server, two calls in one turn, and the model gets both results", async () => {
      const dir = workspace();
      writeFileSync(join(dir, "stock.csv"), "sku,on_hand\nKT-001,42\n");
      writeFileSync(join(dir, "notes.txt"), "count on Monday");
      const sql = await backend.open();
      await seed(sql, { filesystem: nodeServer("filesystem", filesystemServerScript, [dir]) });
      const api = await fakeApi([
        {
          text: "",
          content: [
            { type: "tool_use", name: "mcp__filesystem__read_text_file", input: { path: join(dir, "stock.csv") } },
            { type: "tool_use", name: "mcp__filesystem__read_text_file", input: { path: join(dir, "notes.txt") } },
          ],
        },
        { text: "KT-001 has 42." },
      ]);
      const { output } = await claudeChat(await context(sql, { type: "claude_chat", prompt: "Stock?" }, { api, workspaceDir: dir, runId: 2 }));
      expect(output).toBe("KT-001 has 42.");
      const offered = (api.requests[0]?.body.tools as { name: string }[]).map((t) => t.name);
      expect(offered).toContain("mcp__filesystem__read_text_file");
      expect(offered).toContain("mcp__filesystem__write_file");
      const results = resultsOf(api, 1);
      expect(results.map((r) => r.content[0]?.text)).toEqual(["sku,on_hand\nKT-001,42\n", "count on Monday"]);
      const calls = (await readRunSteps(sql, 2)).filter((s) => s.kind === "tool_call");
      expect(calls.map((c) => [c.tool, c.server, c.is_error])).toEqual([
        ["mcp__filesystem__read_text_file", "filesystem", 0],
        ["mcp__filesystem__read_text_file", "filesystem", 0],
      ]);
    });

    it("narrows tools with allow, refuses a denied one with the pattern, and the server never sees it", async () => {
      const dir = workspace();
      const sql = await backend.open();
      await seed(
        sql,
        { filesystem: nodeServer("filesystem", filesystemServerScript, [dir]) },
        { tools: { allow: ["mcp__filesystem__read_*", "mcp__filesystem__write_file"], deny: ["mcp__filesystem__write_*"] } },
      );
      const api = await fakeApi([
        { text: "", content: [{ type: "tool_use", name: "mcp__filesystem__write_file", input: { path: join(dir, "x.txt"), content: "pwned" } }] },
        { text: "Not allowed." },
      ]);
      await claudeChat(await context(sql, { type: "claude_chat", prompt: "Write" }, { api, workspaceDir: dir }));
      const offered = (api.requests[0]?.body.tools as { name: string }[]).map((t) => t.name);
      expect(offered.every((name) => name.startsWith("mcp__filesystem__read_"))).toBe(true);
      const [result] = resultsOf(api, 1);
      expect(result?.is_error).toBe(true);
      expect(result?.content[0]?.text).toContain("mcp__filesystem__write_*");
      expect(existsSync(join(dir, "x.txt"))).toBe(false);
    });

    it("gives the model a tool's error, a crashed server's error and a timed-out call as is_error results, and goes on", async () => {
      const dir = workspace();
      const sql = await backend.open();
      await seed(sql, { faults: nodeServer("faults", testServerScript) }, { tool_timeout: "1s" });
      const api = await fakeApi([
        {
          text: "",
          content: [
            { type: "tool_use", name: "mcp__faults__fail", input: {} },
            { type: "tool_use", name: "mcp__faults__hang", input: {} },
          ],
        },
        { text: "", content: [{ type: "tool_use", name: "mcp__faults__crash", input: {} }] },
        { text: "", content: [{ type: "tool_use", name: "mcp__faults__echo", input: { text: "still there?" } }] },
        { text: "Done, with errors." },
      ]);
      const { output } = await claudeChat(await context(sql, { type: "claude_chat", prompt: "Try" }, { api, workspaceDir: dir, runId: 6 }));
      expect(output).toBe("Done, with errors.");
      const [failed, hung] = resultsOf(api, 1);
      expect(failed).toMatchObject({ is_error: true, content: [{ text: "the order does not exist" }] });
      expect(hung?.is_error).toBe(true);
      expect(hung?.content[0]?.text).toMatch(/timed out after 1s/);
      const [crashed] = resultsOf(api, 2);
      expect(crashed?.is_error).toBe(true);
      expect(crashed?.content[0]?.text).toContain("faults");
      const [after] = resultsOf(api, 3);
      expect(after?.is_error).toBe(true); // the server is gone for the rest of the attempt
      expect((await readRunSteps(sql, 6)).filter((s) => s.kind === "tool_call").map((s) => s.is_error)).toEqual([1, 1, 1, 1]);
    });

    it("caps a 10 MB tool result for the model and for the transcript", async () => {
      const dir = workspace();
      const sql = await backend.open();
      await seed(sql, { faults: nodeServer("faults", testServerScript) });
      const api = await fakeApi([{ text: "", content: [{ type: "tool_use", name: "mcp__faults__big", input: { chars: 10_000_000 } }] }, { text: "Big." }]);
      await claudeChat(await context(sql, { type: "claude_chat", prompt: "Big" }, { api, workspaceDir: dir, runId: 3 }));
      const [result] = resultsOf(api, 1);
      const sent = result?.content.map((b) => b.text).join("") ?? "";
      expect(sent.length).toBeLessThan(110_000);
      expect(sent).toMatch(/cut/);
      const [step] = (await readRunSteps(sql, 3)).filter((s) => s.kind === "tool_call");
      expect(Buffer.byteLength(step?.output ?? "")).toBeLessThanOrEqual(16 * 1024);
    });

    it("reaches an HTTP MCP server with ${NAME} headers resolved, and masks the value in the transcript", async () => {
      const http = await startMcpHttpServer();
      cleanups.push(() => http.close());
      const sql = await backend.open();
      await seed(sql, { storefront: { name: "storefront", type: "http", url: "${SHOP_URL}", headers: { "X-Api-Key": "${SHOP_TOKEN}" } } });
      const token = "tok-live-5f2a9c81d7e3";
      const api = await fakeApi([
        { text: "", content: [{ type: "tool_use", name: "mcp__storefront__lookup_order", input: { id: token } }] },
        { text: "Shipped." },
      ]);
      const ctx = await context(sql, { type: "claude_chat", prompt: "Order?" }, { api, runId: 4 });
      ctx.env = { ...ctx.env, SHOP_URL: http.url, SHOP_TOKEN: token };
      await claudeChat(ctx);
      expect(http.headers.some((h) => h["x-api-key"] === token)).toBe(true);
      const [call] = (await readRunSteps(sql, 4)).filter((s) => s.kind === "tool_call");
      expect(call?.input).not.toContain(token);
      expect(call?.output).toBe("order ***: shipped");
      // What the model gets back is masked too (the token in its own tool_use input is what it sent).
      expect(resultsOf(api, 1)[0]?.content[0]?.text).toBe("order ***: shipped");
    });

    it("refuses an HTTP MCP server on a loopback address unless egress allows it, failing the run without a retry", async () => {
      const http = await startMcpHttpServer();
      cleanups.push(() => http.close());
      const sql = await backend.open();
      await seed(sql, { storefront: { name: "storefront", type: "http", url: http.url } });
      await define(sql, "workspace", "workspace", { name: "shop", defaults: { model: "claude-sonnet-5-5", agent: "clerk" } });
      const api = await fakeApi([{ text: "never" }]);
      const error = await failure(claudeChat(await context(sql, { type: "claude_chat", prompt: "Order?" }, { api })));
      expect(error.code).toBe("mcp-server");
      expect(error.message).toContain("storefront");
      expect(error.message).toMatch(/refused|loopback/);
      expect(api.requests).toHaveLength(0);
      expect(http.headers).toHaveLength(0);
    });

    it("fails the run naming a server that cannot start, before any model call", async () => {
      const sql = await backend.open();
      await seed(sql, { broken: nodeServer("broken", testServerScript, ["--exit-at-once"]) });
      const api = await fakeApi([{ text: "never" }]);
      const error = await failure(claudeChat(await context(sql, { type: "claude_chat", prompt: "Go" }, { api, workspaceDir: workspace() })));
      expect(error.code).toBe("mcp-server");
      expect(error.message).toContain("broken");
      expect(api.requests).toHaveLength(0);
    });

    it("on the attempt's abort while a tool runs, stops the call and leaves no server process behind", async () => {
      const dir = workspace();
      const sql = await backend.open();
      await seed(sql, { faults: nodeServer("faults", testServerScript) });
      const api = await fakeApi([{ text: "", content: [{ type: "tool_use", name: "mcp__faults__hang", input: {} }] }]);
      const abort = new AbortController();
      const groups: number[] = [];
      const ctx = {
        ...(await context(sql, { type: "claude_chat", prompt: "Hang" }, { api, workspaceDir: dir, signal: abort.signal, runId: 8 })),
        onProcess: (g: number) => groups.push(g),
      };
      const run = claudeChat(ctx).then(
        () => "resolved",
        () => "rejected",
      );
      await api.received(1);
      await new Promise<void>((done) => {
        // The model's turn is recorded just before its tool call starts (in the same run of microtasks).
        const poll = (): void => void readRunSteps(sql, 8).then((steps) => (steps.some((s) => s.kind === "turn") ? done() : setImmediate(poll)));
        poll();
      });
      abort.abort(new Error("timed out after 5m"));
      expect(await run).toBe("rejected");
      expect(groups).toHaveLength(1);
      expect(groups.every((g) => !groupAlive(g))).toBe(true);
      expect(await stopReason(sql, 8)).toBe("timeout");
      // The call under way when the attempt ended is in the transcript.
      expect((await readRunSteps(sql, 8)).filter((s) => s.kind === "tool_call").map((s) => [s.tool, s.is_error, s.output])).toEqual([
        ["mcp__faults__hang", 1, "cancelled: the attempt ended (timeout or shutdown) while the call ran"],
      ]);
    });
  });

  describe("the tool loop runs one turn's tool calls at once", () => {
    it("two calls of a tool that answers only when both are in flight both succeed", async () => {
      const sql = await backend.open();
      await seed(sql, { faults: nodeServer("faults", testServerScript) }, { tool_timeout: "20s" });
      const barrier = { type: "tool_use" as const, name: "mcp__faults__barrier", input: { count: 2 } };
      const api = await fakeApi([{ text: "", content: [barrier, barrier] }, { text: "Both came back." }]);
      await claudeChat(await context(sql, { type: "claude_chat", prompt: "Together" }, { api, workspaceDir: workspace() }));
      expect(resultsOf(api, 1).map((r) => [r.is_error ?? false, r.content[0]?.text])).toEqual([
        [false, "released with 2 in flight"],
        [false, "released with 2 in flight"],
      ]);
    });
  });
});
