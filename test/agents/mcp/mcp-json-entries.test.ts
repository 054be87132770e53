import { mkdirSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { connectServers, McpServerError } from "../../../controller/agents/mcp/connect-servers.js";
import { runHeadersHelper } from "../../../controller/agents/mcp/headers-helper.js";
import { serverParams } from "../../../controller/agents/mcp/server-params.js";
import { resolveSecrets } from "../../../controller/workers/secrets.js";
import { startMcpHttpServer } from "../../support/mcp-http-server.js";
import { connectOptions, nodeServer, tempWorkspace, testServerScript } from "../../support/mcp-servers.js";

// The .mcp.json forms other clients write, read at connect time.
describe(".mcp.json entries at run time", () => {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });
  const workspace = (): string => {
    const ws = tempWorkspace();
    cleanup.push(ws.remove);
    return ws.dir;
  };
  const asIs = (text: string): string => text;

  it("streamable-http is http, and a url-only entry is http too", () => {
    expect(serverParams({ type: "streamable-http", url: "https://mcp.example.com/mcp" }, "a", asIs)).toMatchObject({ type: "http" });
    expect(serverParams({ url: "https://mcp.example.com/mcp" }, "b", asIs)).toMatchObject({ type: "http", url: new URL("https://mcp.example.com/mcp") });
    expect(serverParams({ command: "node" }, "c", asIs)).toMatchObject({ type: "stdio", command: "node" });
  });

  it("${VAR:-default} takes the default when the variable is unset or empty, and the value otherwise", () => {
    const used: string[] = [];
    const sink = { add: (v: string) => used.push(v) };
    expect(resolveSecrets("${MCP_HOST:-https://mcp.example.com}/mcp", {}, sink)).toBe("https://mcp.example.com/mcp");
    expect(resolveSecrets("${MCP_HOST:-https://mcp.example.com}/mcp", { MCP_HOST: "" }, sink)).toBe("https://mcp.example.com/mcp");
    expect(resolveSecrets("${MCP_HOST:-https://mcp.example.com}/mcp", { MCP_HOST: "https://other.example" }, sink)).toBe("https://other.example/mcp");
    expect(resolveSecrets("level=${LOG_LEVEL:-}", {}, sink)).toBe("level=");
    // Only what came from the environment is masked later; a default is in the definition anyway.
    expect(used).toEqual(["https://other.example"]);
    expect(() => resolveSecrets("${MISSING}", {})).toThrow(/MISSING is not set/);
  });

  it("starts a stdio server in its cwd, relative to the workspace, with ${VAR:-default} in env", async () => {
    const dir = workspace();
    mkdirSync(join(dir, "tools", "db"), { recursive: true });
    const options = connectOptions(dir, {}, { resolve: (text) => resolveSecrets(text, {}) });
    const mcp = await connectServers([{ ...nodeServer("db", testServerScript, [], { MODE: "${DB_MODE:-read-only}" }), cwd: "tools/db" }], options);
    cleanup.push(() => mcp.close());
    const env = mcp.tools.find((t) => t.tool === "env");
    if (!env) throw new Error("no env tool");
    const seen = JSON.parse((await mcp.call(env, {}, { signal: new AbortController().signal, timeoutMs: 10_000 })).text) as { env: Record<string, string>; cwd: string };
    expect(realpathSync(seen.cwd)).toBe(join(dir, "tools", "db"));
    expect(seen.env.MODE).toBe("read-only");
  });

  it("refuses a cwd that leaves the workspace, before anything starts", () => {
    expect(() => serverParams({ command: "node", cwd: "../elsewhere" }, "db", asIs)).toThrow(McpServerError);
    expect(() => serverParams({ command: "node", cwd: "/etc" }, "db", asIs)).toThrow(/inside the workspace/);
  });

  it("runs headersHelper in the workspace and sends the headers it prints, remembered for masking", async () => {
    const server = await startMcpHttpServer();
    cleanup.push(() => server.close());
    const dir = workspace();
    const remembered: string[] = [];
    const options = connectOptions(dir, {}, { remember: (v) => remembered.push(v) });
    const helper = `node -e 'process.stdout.write(JSON.stringify({Authorization: "Bearer helper-" + require("path").basename(process.cwd()) + "-" + process.env.CLAUDE_CODE_MCP_SERVER_NAME}))'`;
    const mcp = await connectServers([{ name: "shop", url: server.url, headersHelper: helper }], options);
    cleanup.push(() => mcp.close());
    const expected = `Bearer helper-${join(dir).split("/").at(-1)}-shop`;
    for (const headers of server.headers) expect(headers.authorization).toBe(expected);
    expect(remembered).toEqual([expected]);
  });

  it("a headersHelper that fails, prints no JSON object, or hangs fails the server, naming it", async () => {
    const dir = workspace();
    const run = (command: string, timeoutMs?: number) =>
      runHeadersHelper(command, { server: "shop", url: new URL("https://mcp.example.com"), cwd: dir, signal: new AbortController().signal, ...(timeoutMs ? { timeoutMs } : {}) });
    await expect(run("echo oops >&2; exit 4")).rejects.toThrow(/MCP server "shop": headersHelper exited with code 4; stderr:\noops/);
    await expect(run("echo '[1, 2]'")).rejects.toThrow(/did not print a JSON object of headers/);
    await expect(run(`echo '{"X-Key": 5}'`)).rejects.toThrow(/non-string value for header "X-Key"/);
    await expect(run("sleep 30", 200)).rejects.toThrow(/did not finish within 0.2s/);
    await expect(run(`echo '{"X-Key": "k"}'`)).resolves.toEqual({ "X-Key": "k" });
  });
});
