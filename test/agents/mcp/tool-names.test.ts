import { describe, expect, it } from "vitest";
import { mcpToolName } from "../../../controller/definitions/tool-names.js";
import { uniqueToolNames } from "../../../controller/agents/mcp/tool-names.js";

describe("MCP tool names", () => {
  it("are mcp__<server>__<tool>, with characters outside [a-zA-Z0-9_-] as _", () => {
    expect(mcpToolName("filesystem", "read_text_file")).toBe("mcp__filesystem__read_text_file");
    expect(mcpToolName("shop", "orders.list/v2 (beta)")).toBe("mcp__shop__orders_list_v2__beta_");
  });

  it("are cut to 64 characters", () => {
    const name = mcpToolName("storefront", "a".repeat(100));
    expect(name).toHaveLength(64);
    expect(name.startsWith("mcp__storefront__aaa")).toBe(true);
  });

  it("that collide once sanitized or cut get _2, _3 in list order, within 64", () => {
    const long = "b".repeat(70);
    expect(
      uniqueToolNames([
        { server: "shop", tool: "get.order" },
        { server: "shop", tool: "get_order" },
        { server: "shop", tool: "get order" },
        { server: "shop", tool: `${long}1` },
        { server: "shop", tool: `${long}2` },
      ]),
    ).toEqual(["mcp__shop__get_order", "mcp__shop__get_order_2", "mcp__shop__get_order_3", `mcp__shop__${"b".repeat(53)}`, `mcp__shop__${"b".repeat(51)}_2`]);
  });
});
