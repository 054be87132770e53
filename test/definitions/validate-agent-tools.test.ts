import { describe, expect, it } from "vitest";
import type { Tree } from "../support/tree.js";
import { type Case, expectCase, validate } from "./validate-helpers.js";

/** An agent `helper` with MCP server `filesystem` defined in the workspace; `config` is appended to its config. */
function toolAgent(config: string, extra: Tree = {}): Tree {
  return {
    "mcp-servers/filesystem.yaml": "command: npx\nargs: [\"-y\", \"@modelcontextprotocol/server-filesystem\", \".\"]\n",
    "agents/helper/config.yaml": "description: Helps.\nmcp_servers: [filesystem]\n" + config,
    ...extra,
  };
}

function chainAgent(sub: string): string {
  return `description: Delegates.\nsub_agents: [${sub}]\n`;
}

function agentToolCases(): Case[] {
  const file = "agents/helper/config.yaml";
  return [
    {
      name: "tools: a pattern naming an MCP server the agent does not use",
      tree: toolAgent("tools:\n  deny:\n    - mcp__filesystem__write_*\n    - mcp__github__*\n"),
      want: { rule: "tool-pattern", file, line: 6, message: /"mcp__github__\*" matches no tool of an MCP server this agent could use \(MCP servers: filesystem\)/ },
    },
    {
      name: "tools: a nexaas__ pattern for a built-in the agent does not have",
      tree: toolAgent("tools:\n  deny: [nexaas__load_skill]\n"),
      want: { rule: "tool-pattern", file, line: 4, message: /matches no built-in tool this agent could have \(no built-in tools/ },
    },
    {
      name: "tools: a pattern starting with neither prefix that matches nothing",
      tree: toolAgent("tools:\n  allow: [\"filesystem*\"]\n"),
      want: { rule: "tool-pattern", file, line: 4, message: /MCP tools are named mcp__<server>__<tool>/ },
    },
    {
      name: "tools: an allow pattern that reaches only built-ins is a warning",
      tree: toolAgent("sub_agents: [helper]\ntools:\n  allow: [nexaas__delegate_*]\n", { "nexaas.yaml": "name: test-ops\ndefaults:\n  agent: helper\n  max_delegation_depth: 5\n" }),
      want: { rule: "tool-pattern", file, line: 5, severity: "warning", message: /allow never withholds/ },
    },
    {
      name: "tools: a pattern in nexaas.yaml defaults that no agent could match",
      tree: toolAgent("", { "nexaas.yaml": "name: test-ops\ndefaults:\n  agent: helper\n  tools:\n    deny: [mcp__crm__*]\n" }),
      want: { rule: "tool-pattern", file: "nexaas.yaml", line: 5, message: /an agent of this workspace could use \(MCP servers: filesystem\)/ },
    },
    {
      name: "schema: a tool pattern with other characters than letters, digits, _, - and *",
      tree: toolAgent("tools:\n  deny: [\"mcp__filesystem__write.*\"]\n"),
      want: { rule: "schema", file, line: 4 },
    },
    {
      name: "schema: max_turns below 1",
      tree: toolAgent("max_turns: 0\n"),
      want: { rule: "schema", file, line: 3 },
    },
    {
      name: "a zero tool_timeout",
      tree: toolAgent("tool_timeout: 0s\n"),
      want: { rule: "duration", file, line: 3 },
    },
    {
      name: "schema: max_delegation_depth above 5",
      tree: { "nexaas.yaml": "name: test-ops\ndefaults:\n  agent: helper\n  max_delegation_depth: 9\n" },
      want: { rule: "schema", file: "nexaas.yaml", line: 4 },
    },
    {
      name: "a sub_agents chain deeper than max_delegation_depth is a warning at its last link",
      tree: {
        "agents/helper/config.yaml": chainAgent("b"),
        "agents/b/config.yaml": chainAgent("c"),
        "agents/c/config.yaml": chainAgent("d"),
        "agents/d/config.yaml": "description: Works.\n",
        ...Object.fromEntries(["b", "c", "d"].map((n) => [`agents/${n}/prompt.md`, "You work.\n"])),
      },
      want: { rule: "delegation-depth", file: "agents/c/config.yaml", line: 2, severity: "warning", message: /helper -> b -> c -> d nests 3 deep, beyond max_delegation_depth 2/ },
    },
    {
      name: "two long sub-agent names that become one tool name",
      tree: {
        "agents/helper/config.yaml": `description: Delegates.\nsub_agents:\n  - ${"a".repeat(47)}-one\n  - ${"a".repeat(47)}-two\n`,
        ...Object.fromEntries(
          ["one", "two"].flatMap((n) => [
            [`agents/${"a".repeat(47)}-${n}/config.yaml`, "description: Works.\n"],
            [`agents/${"a".repeat(47)}-${n}/prompt.md`, "You work.\n"],
          ]),
        ),
      },
      want: { rule: "tool-name", file: "agents/helper/config.yaml", line: 4 },
    },
  ];
}

describe("validate: agents' tools, limits and sub-agents", () => {
  it.each(agentToolCases())("$name", expectCase);

  it("accepts tool patterns that can match, and reports a bad one at its own line and column", async () => {
    const good = await validate({
      ...toolAgent("skills: [triage]\ntools:\n  allow: [\"mcp__filesystem__read_*\", \"*list*\"]\n  deny: [nexaas__load_skill, \"mcp__*__write_*\"]\nmax_turns: 5\nmax_tool_calls: 0\nmax_cost_usd: 0.25\ntool_timeout: 30s\n"),
      "skills/triage.md": "# triage\n\nSort incoming requests.\n\nSteps.\n",
      "nexaas.yaml": "name: test-ops\ndefaults:\n  agent: helper\n  tools: {deny: [\"mcp__*__delete_*\"]}\n  max_turns: 10\n  max_cost_usd: 2\n  tool_timeout: 2m\n  max_delegation_depth: 1\n",
    });
    expect(good.diagnostics).toEqual([]);
    const bad = await validate(toolAgent("tools:\n  allow: [mcp__filesystem__*, mcp__fetch__*]\n"));
    expect(bad.diagnostics).toEqual([expect.objectContaining({ rule: "tool-pattern", file: "agents/helper/config.yaml", line: 4, column: 31 })]);
  });

});
