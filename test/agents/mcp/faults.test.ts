import { afterEach, describe, expect, it } from "vitest";
import { connectServers, McpServerError, type McpConnections, type McpTool } from "../../../controller/agents/mcp/connect-servers.js";
import { groupRunning } from "../../../controller/agents/mcp/process-group.js";
import { connectOptions, groupAlive, nodeServer, pidRunning, tempWorkspace, testServerScript } from "../../support/mcp-servers.js";

// Faults with a server of our own (test/support/mcp-stdio-server.mjs), a real process over stdio.
describe("MCP server faults", () => {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  function workspace(): string {
    const ws = tempWorkspace();
    cleanup.push(ws.remove);
    return ws.dir;
  }

  async function start(vars: Record<string, string> = {}, env?: Record<string, string>) {
    const options = connectOptions(workspace(), vars);
    const mcp = await connectServers([nodeServer("test", testServerScript, [], env)], options);
    cleanup.push(() => mcp.close());
    const tool = (name: string): McpTool => {
      const found = mcp.tools.find((t) => t.tool === name);
      if (!found) throw new Error(`no tool ${name}`);
      return found;
    };
    const [group] = options.groups;
    if (group === undefined) throw new Error("onProcess was not called");
    return { mcp, tool, group, options };
  }
  const call = (timeoutMs = 10_000) => ({ signal: new AbortController().signal, timeoutMs });

  it("starts a stdio server in the workspace with the safe environment and its resolved env only", async () => {
    process.env.NEXAAS_TEST_CONTROLLER_SECRET = "controller-only";
    cleanup.push(() => delete process.env.NEXAAS_TEST_CONTROLLER_SECRET);
    const { mcp, tool, options } = await start({ SHOP_TOKEN: "tok-123" }, { SHOP_TOKEN: "${SHOP_TOKEN}", MODE: "test" });
    const result = await mcp.call(tool("env"), {}, call());
    const seen = JSON.parse(result.text) as { env: Record<string, string>; cwd: string };
    expect(seen.cwd).toBe(options.workspaceDir);
    expect(seen.env).toMatchObject({ SHOP_TOKEN: "tok-123", MODE: "test", PATH: process.env.PATH });
    expect(seen.env).not.toHaveProperty("NEXAAS_TEST_CONTROLLER_SECRET");
    expect(options.resolved).toEqual(["tok-123"]);
  });

  it("converts every kind of content, and passes an error result on as isError", async () => {
    const { mcp, tool } = await start();
    const mixed = await mcp.call(tool("mixed"), {}, call());
    expect(mixed.isError).toBe(false);
    expect(mixed.content).toEqual([
      { type: "text", text: "a text" },
      { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
      { type: "text", text: "[audio content not shown]" },
      { type: "text", text: "embedded text" },
      { type: "text", text: "[binary resource file:///logo.bin (application/octet-stream) not shown]" },
      { type: "text", text: "[resource link: file:///report.pdf (report)]" },
    ]);
    expect(await mcp.call(tool("fail"), {}, call())).toEqual({ content: [{ type: "text", text: "the order does not exist" }], text: "the order does not exist", isError: true });
  });

  it("caps a 10 MB result at 100,000 characters, with a note", async () => {
    const { mcp, tool } = await start();
    const result = await mcp.call(tool("big"), { chars: 10_000_000 }, call(30_000));
    expect(result.isError).toBe(false);
    expect(result.content).toEqual([
      { type: "text", text: "x".repeat(100_000) },
      { type: "text", text: "[output cut at 100000 of 10000000 characters]" },
    ]);
    expect(result.text.length).toBeLessThan(100_100);
  });

  it("a server that crashes mid-call gives an error result naming it, its exit code and stderr", async () => {
    const { mcp, tool, group } = await start();
    const result = await mcp.call(tool("crash"), {}, call());
    expect(result.isError).toBe(true);
    expect(result.text).toBe('MCP server "test" exited with code 3; stderr: crashing on purpose');
    expect(groupAlive(group)).toBe(false);
    // Later calls to it get the same answer instead of a throw.
    expect((await mcp.call(tool("echo"), { text: "hi" }, call())).text).toContain('MCP server "test" exited with code 3');
  });

  it("a hanging tool times out as an error result, and the server hears of the cancellation", async () => {
    const { mcp, tool } = await start();
    const result = await mcp.call(tool("hang"), {}, call(300));
    expect(result).toMatchObject({ isError: true, text: "mcp__test__hang timed out after 0.3s; the call was cancelled" });
    // notifications/cancelled went ahead of this request on the same pipe.
    const cancelled = JSON.parse((await mcp.call(tool("cancellations"), {}, call())).text) as unknown[];
    expect(cancelled).toHaveLength(1);
  });

  it("the attempt's abort while a tool runs rejects the call with its reason and leaves no process behind", async () => {
    const attempt = new AbortController();
    const options = connectOptions(workspace(), {}, { signal: attempt.signal });
    const mcp = await connectServers([nodeServer("test", testServerScript)], options);
    cleanup.push(() => mcp.close());
    const [group] = options.groups;
    const grandchild = Number((await mcp.call(tool(mcp, "grandchild"), {}, { signal: attempt.signal, timeoutMs: 10_000 })).text);
    expect(pidRunning(grandchild)).toBe(true);

    const running = mcp.call(tool(mcp, "hang"), {}, { signal: attempt.signal, timeoutMs: 10_000 });
    attempt.abort(new Error("attempt timed out after 5m"));
    await expect(running).rejects.toThrow("attempt timed out after 5m");
    await mcp.close(); // the abort started it; this waits for it
    // The server, our child, is reaped; the grandchild may linger as a zombie until PID 1 reaps it.
    expect(groupRunning(group ?? 0)).toBe(false);
    expect(pidRunning(grandchild)).toBe(false);
  });

  it("a server that exits at once fails with an McpServerError naming it, with its exit code and stderr", async () => {
    const options = connectOptions(workspace());
    const error = await connectServers([nodeServer("broken", testServerScript, ["--exit-at-once"])], options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpServerError);
    expect(error).toMatchObject({ server: "broken", code: "mcp-server" });
    expect((error as Error).message).toBe('MCP server "broken": exited with code 2 before it was ready; stderr: fatal: TEST_TOKEN is not set');
  });

  it("a command that does not exist fails with an McpServerError, and the other servers are closed", async () => {
    const options = connectOptions(workspace());
    const error = await connectServers([nodeServer("test", testServerScript), { name: "ghost", command: "nexaas-no-such-command", args: [] }], options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpServerError);
    expect((error as Error).message).toMatch(/^MCP server "ghost": could not start "nexaas-no-such-command": .*ENOENT/);
    for (const group of options.groups) expect(groupAlive(group)).toBe(false);
  });

  it("a missing ${NAME} throws from resolve before any server starts", async () => {
    const options = connectOptions(workspace());
    await expect(connectServers([nodeServer("test", testServerScript, [], { TOKEN: "${NOT_SET}" })], options)).rejects.toThrow('MCP server "test": environment variable NOT_SET is not set');
    expect(options.groups).toEqual([]);
  });

  it("the attempt's abort while connecting rejects with its reason and kills the server", async () => {
    const attempt = new AbortController();
    const options = connectOptions(workspace(), {}, { signal: attempt.signal });
    const onProcess = (group: number): void => {
      options.groups.push(group);
      attempt.abort(new Error("attempt aborted"));
    };
    const connecting = connectServers([nodeServer("stuck", testServerScript, ["--silent"])], { ...options, onProcess });
    await expect(connecting).rejects.toThrow("attempt aborted");
    expect(options.groups).toHaveLength(1);
    expect(groupAlive(options.groups[0] ?? 0)).toBe(false);
  });
});

function tool(mcp: McpConnections, name: string): McpTool {
  const found = mcp.tools.find((t) => t.tool === name);
  if (!found) throw new Error(`no tool ${name}`);
  return found;
}
