import { describe, expect, it } from "vitest";
import {
  builtinToolNames,
  builtinToolsOf,
  delegateToolName,
  mcpToolName,
  resolveAgentTools,
  toolPatternMatches,
  toolPatternMatchesPrefix,
  toolPermission,
} from "../../controller/definitions/tool-names.js";

describe("tool names", () => {
  it("names an MCP tool mcp__<server>__<tool>, sanitized and cut to 64 characters", () => {
    expect(mcpToolName("storefront", "get_order")).toBe("mcp__storefront__get_order");
    expect(mcpToolName("fs", "read.file/v2 now")).toBe("mcp__fs__read_file_v2_now");
    const long = mcpToolName("filesystem", "x".repeat(100));
    expect(long).toHaveLength(64);
    expect(long.startsWith("mcp__filesystem__xxx")).toBe(true);
  });

  it("names the built-in tools nexaas__*, one delegation tool per sub-agent", () => {
    expect(Object.values(builtinToolNames)).toEqual(["nexaas__load_skill", "nexaas__read_skill_file", "nexaas__lookup_registry"]);
    expect(delegateToolName("order-desk")).toBe("nexaas__delegate_order-desk");
    expect(delegateToolName("a".repeat(64))).toHaveLength(64);
    for (const name of [...Object.values(builtinToolNames), delegateToolName("order-desk"), mcpToolName("s", "é")]) {
      expect(name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    }
  });
});

describe("built-in tools of an agent", () => {
  it("follow its skills, sub-agents and the workspace's registries", () => {
    expect(builtinToolsOf({ skills: [], subAgents: [], hasRegistries: false })).toEqual([]);
    expect(builtinToolsOf({ skills: [{ format: "markdown" }], subAgents: [], hasRegistries: false })).toEqual(["nexaas__load_skill"]);
    expect(builtinToolsOf({ skills: [{ format: "markdown" }, { format: "agent-skill" }], subAgents: ["writer", "checker"], hasRegistries: true })).toEqual([
      "nexaas__load_skill",
      "nexaas__read_skill_file",
      "nexaas__lookup_registry",
      "nexaas__delegate_writer",
      "nexaas__delegate_checker",
    ]);
  });
});

describe("tool patterns", () => {
  it("matches a glob whole: * is any run of characters, underscores included", () => {
    expect(toolPatternMatches("mcp__storefront__*", "mcp__storefront__get_order")).toBe(true);
    expect(toolPatternMatches("mcp__storefront__*", "mcp__storefront2__get_order")).toBe(false);
    expect(toolPatternMatches("mcp__filesystem__read_*", "mcp__filesystem__read_text_file")).toBe(true);
    expect(toolPatternMatches("mcp__filesystem__read_*", "mcp__filesystem__write_file")).toBe(false);
    expect(toolPatternMatches("*", "nexaas__load_skill")).toBe(true);
    expect(toolPatternMatches("mcp__*__delete_*", "mcp__crm__delete_contact")).toBe(true);
    expect(toolPatternMatches("nexaas__load_skill", "nexaas__load_skill_x")).toBe(false);
    expect(toolPatternMatches("mcp_*", "mcp__a__b")).toBe(true);
    expect(toolPatternMatches("MCP__*", "mcp__a__b")).toBe(false);
  });

  it("tells whether a pattern can match some tool of a server whose tool names are unknown", () => {
    const fs = "mcp__filesystem__";
    expect(toolPatternMatchesPrefix("mcp__filesystem__read_*", fs)).toBe(true);
    expect(toolPatternMatchesPrefix("mcp__*", fs)).toBe(true);
    expect(toolPatternMatchesPrefix("*", fs)).toBe(true);
    expect(toolPatternMatchesPrefix("*__read_file", fs)).toBe(true);
    expect(toolPatternMatchesPrefix("mcp__file*", fs)).toBe(true);
    expect(toolPatternMatchesPrefix("mcp__github__*", fs)).toBe(false);
    expect(toolPatternMatchesPrefix("nexaas__*", fs)).toBe(false);
    // A tool name goes on after the prefix: the prefix alone is no tool.
    expect(toolPatternMatchesPrefix("mcp__filesystem__", fs)).toBe(false);
    expect(toolPatternMatchesPrefix("mcp__filesystem", fs)).toBe(false);
  });
});

describe("tool permissions", () => {
  const mcp = { builtin: false };
  const builtin = { builtin: true };

  it("allows everything when the agent sets no tools", () => {
    expect(toolPermission("mcp__crm__delete_contact", undefined, mcp)).toEqual({ allowed: true });
    expect(toolPermission("nexaas__load_skill", {}, builtin)).toEqual({ allowed: true });
  });

  it("lets deny win over allow, for MCP and built-in tools alike, naming the pattern", () => {
    const tools = { allow: ["mcp__crm__*"], deny: ["mcp__crm__delete_*", "nexaas__delegate_*"] };
    expect(toolPermission("mcp__crm__delete_contact", tools, mcp)).toEqual({
      allowed: false,
      reason: "tool mcp__crm__delete_contact is denied by tools.deny pattern mcp__crm__delete_*",
    });
    expect(toolPermission("nexaas__delegate_writer", tools, builtin)).toEqual({
      allowed: false,
      reason: "tool nexaas__delegate_writer is denied by tools.deny pattern nexaas__delegate_*",
    });
    expect(toolPermission("mcp__crm__get_contact", tools, mcp)).toEqual({ allowed: true });
  });

  it("narrows MCP tools to allow, and leaves built-ins offered", () => {
    const tools = { allow: ["mcp__filesystem__read_*"] };
    expect(toolPermission("mcp__filesystem__write_file", tools, mcp)).toEqual({
      allowed: false,
      reason: "tool mcp__filesystem__write_file matches no pattern of tools.allow (mcp__filesystem__read_*)",
    });
    expect(toolPermission("nexaas__load_skill", tools, builtin)).toEqual({ allowed: true });
    expect(toolPermission("mcp__filesystem__read_text_file", { allow: [] }, mcp)).toMatchObject({ allowed: false, reason: expect.stringContaining("empty") });
  });

  it("adds the workspace's deny to the agent's, and takes the agent's allow over the workspace's", () => {
    const workspace = { allow: ["mcp__*__get_*"], deny: ["mcp__*__delete_*"] };
    expect(resolveAgentTools(undefined, undefined)).toBeUndefined();
    expect(resolveAgentTools(undefined, workspace)).toEqual(workspace);
    expect(resolveAgentTools({ allow: ["mcp__crm__*"], deny: ["nexaas__lookup_registry"] }, workspace)).toEqual({
      allow: ["mcp__crm__*"],
      deny: ["mcp__*__delete_*", "nexaas__lookup_registry"],
    });
    expect(resolveAgentTools({ deny: ["mcp__*__delete_*"] }, { deny: ["mcp__*__delete_*"] })).toEqual({ deny: ["mcp__*__delete_*"] });
  });
});
