import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { connectServers, type McpConnections } from "../../../controller/agents/mcp/connect-servers.js";
import { connectOptions, filesystemServerScript, groupAlive, nodeServer, tempWorkspace } from "../../support/mcp-servers.js";

// The real @modelcontextprotocol/server-filesystem, started over stdio as an agent's server would be.
describe("connectServers with @modelcontextprotocol/server-filesystem", () => {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  async function start(): Promise<{ mcp: McpConnections; dir: string; groups: number[] }> {
    const workspace = tempWorkspace();
    cleanup.push(workspace.remove);
    writeFileSync(join(workspace.dir, "stock-sample.csv"), "sku,qty\nA-1,12\n");
    const options = connectOptions(workspace.dir);
    const mcp = await connectServers([nodeServer("filesystem", filesystemServerScript, [workspace.dir])], options);
    cleanup.push(() => mcp.close());
    return { mcp, dir: workspace.dir, groups: options.groups };
  }

  it("lists the server's tools as mcp__filesystem__<tool>, with their schemas", async () => {
    const { mcp } = await start();
    const names = mcp.tools.map((t) => t.name);
    expect(names).toContain("mcp__filesystem__read_text_file");
    expect(names).toContain("mcp__filesystem__list_directory");
    const read = mcp.tools.find((t) => t.name === "mcp__filesystem__read_text_file");
    expect(read).toMatchObject({ server: "filesystem", tool: "read_text_file", inputSchema: { type: "object", properties: { path: expect.any(Object) } } });
    expect(read?.description).not.toBe("");
  });

  it("reads a file of the workspace", async () => {
    const { mcp, dir } = await start();
    const read = mcp.tools.find((t) => t.tool === "read_text_file");
    if (!read) throw new Error("no read_text_file");
    const result = await mcp.call(read, { path: join(dir, "stock-sample.csv") }, { signal: new AbortController().signal, timeoutMs: 10_000 });
    expect(result).toEqual({ content: [{ type: "text", text: "sku,qty\nA-1,12\n" }], text: "sku,qty\nA-1,12\n", isError: false });
  });

  it("gives an error result for a path outside the allowed folder, and the server stays usable", async () => {
    const { mcp, dir } = await start();
    const read = mcp.tools.find((t) => t.tool === "read_text_file");
    if (!read) throw new Error("no read_text_file");
    const call = { signal: new AbortController().signal, timeoutMs: 10_000 };
    const outside = await mcp.call(read, { path: "/etc/hostname" }, call);
    expect(outside.isError).toBe(true);
    expect(outside.text).toMatch(/access denied|outside allowed/i);
    expect((await mcp.call(read, { path: join(dir, "stock-sample.csv") }, call)).isError).toBe(false);
  });

  it("close() ends the server's process group, and a second close() is a no-op", async () => {
    const { mcp, groups } = await start();
    const [group] = groups;
    if (group === undefined) throw new Error("onProcess was not called");
    expect(groupAlive(group)).toBe(true);
    await mcp.close();
    expect(groupAlive(group)).toBe(false);
    await mcp.close();
  });
});
