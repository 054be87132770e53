import { describe, expect, it } from "vitest";
import { validateWorkspace } from "../../controller/definitions/validate-workspace.js";
import { mcpServerFields } from "../../controller/definitions/mcp-transport.js";
import schema from "../../schemas/mcp-server.schema.json" with { type: "json" };
import { tempDir } from "../cli/helpers.js";
import { baseWorkspace, type Tree, writeTree } from "../support/tree.js";

async function diagnostics(tree: Tree) {
  const dir = tempDir();
  writeTree(dir, { ...baseWorkspace, ...tree });
  const result = await validateWorkspace({ dir, now: new Date("2026-11-23T12:00:00Z"), frameworkDir: null });
  return result.diagnostics.map((d) => ({ file: d.file, line: d.line, rule: d.rule, severity: d.severity, message: d.message }));
}

const server = (json: Record<string, unknown>): Tree => ({ "mcp-servers/shop.json": JSON.stringify({ name: "shop", ...json }, null, 2) + "\n" });
const agentUsing = (names: string[]): Tree => ({ "agents/helper/config.yaml": `description: Helps.\nmcp_servers: [${names.join(", ")}]\n` });

// The .mcp.json per-server shape as Claude Code and other clients write it (their documentation's forms).
describe("MCP server entries from .mcp.json", () => {
  it("accepts streamable-http, a url-only entry, cwd, headersHelper and ${VAR:-default}", async () => {
    expect(await diagnostics(server({ type: "streamable-http", url: "https://mcp.example.com/mcp" }))).toEqual([]);
    expect(await diagnostics(server({ url: "${SHOP_MCP_URL:-https://mcp.example.com/mcp}", headers: { Authorization: "Bearer ${SHOP_TOKEN}" } }))).toEqual([]);
    expect(await diagnostics(server({ command: "node", args: ["server.js"], cwd: "tools/shop", env: { MODE: "${SHOP_MODE:-read-only}" } }))).toEqual([]);
    expect(await diagnostics(server({ type: "http", url: "https://mcp.example.com/mcp", headersHelper: "./scripts/shop-headers.sh" }))).toEqual([]);
  });

  it("an entry with neither command nor url says what each kind needs", async () => {
    expect(await diagnostics(server({ args: ["x"] }))).toEqual([
      { file: "mcp-servers/shop.json", line: 1, rule: "schema", severity: "error", message: 'missing required field "command" (a stdio server; an HTTP server gives "url" instead)' },
    ]);
    expect((await diagnostics(server({ type: "streamable-http" })))[0]?.message).toBe('missing required field "url"');
  });

  it("keeps other clients' fields and unknown ones, with a warning each", async () => {
    const found = await diagnostics(server({ command: "npx", alwaysAllow: ["list"], disabledTools: ["drop"], timeout_ms: 5000, autoApprove: [], fancy: 1, url: "https://x.example" }));
    expect(found.map((d) => [d.line, d.rule, d.severity, d.message])).toEqual([
      [4, "mcp-ignored-field", "warning", '"alwaysAllow" is kept but Nexaas ignores it: the agent\'s tools.allow and tools.deny decide which tools are offered'],
      [7, "mcp-ignored-field", "warning", '"disabledTools" is kept but Nexaas ignores it: deny them in the agent\'s tools.deny (mcp__<server>__<tool>)'],
      [10, "mcp-ignored-field", "warning", '"timeout_ms" is kept but Nexaas ignores it: tool calls time out after the agent\'s tool_timeout'],
      [11, "mcp-ignored-field", "warning", '"autoApprove" is kept but Nexaas ignores it: the agent\'s tools.allow and tools.deny decide which tools are offered'],
      [12, "mcp-ignored-field", "warning", '"fancy" is kept but Nexaas ignores it: it is another client\'s setting'],
      [13, "mcp-ignored-field", "warning", '"url" is kept but Nexaas ignores it: it applies to http servers, and this one is stdio'],
    ]);
  });

  it("a cwd outside the workspace, or from the environment, is an error", async () => {
    expect((await diagnostics(server({ command: "node", cwd: "../other" })))[0]).toMatchObject({ rule: "path-escape", severity: "error", line: 4 });
    expect((await diagnostics(server({ command: "node", cwd: "${TOOLS_DIR}" })))[0]).toMatchObject({ rule: "path-escape", severity: "error" });
  });

  it("a ${...} that is neither ${NAME} nor ${NAME:-default} is an error, not literal text at run time", async () => {
    const found = await diagnostics(server({ command: "node", args: ["--token", "${input:shop-token}"], env: { A: "${A-x}" } }));
    expect(found.map((d) => [d.rule, d.message])).toEqual([
      ["secret-reference", "${input:shop-token} is not an environment reference: write ${NAME} or ${NAME:-default}; it would be sent as literal text"],
      ["secret-reference", "${A-x} is not an environment reference: write ${NAME} or ${NAME:-default}; it would be sent as literal text"],
    ]);
  });

  it("enabled: false disables the server; an agent naming it gets a warning", async () => {
    const found = await diagnostics({ ...server({ command: "node", enabled: false }), ...agentUsing(["shop"]) });
    expect(found).toEqual([
      {
        file: "agents/helper/config.yaml",
        line: 2,
        rule: "disabled-mcp-server",
        severity: "warning",
        message: 'MCP server "shop" is disabled (enabled: false in mcp-servers/shop.json): this agent runs without its tools',
      },
    ]);
  });

  it("every field of the schema is one Nexaas reads for some transport (the warning list cannot drift)", () => {
    const read = new Set([...mcpServerFields.stdio, ...mcpServerFields.http, ...mcpServerFields.sse]);
    expect(new Set(Object.keys(schema.properties))).toEqual(read);
  });
});
