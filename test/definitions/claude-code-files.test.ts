import { describe, expect, it } from "vitest";
import { mapToolList, toolListEntries } from "../../controller/definitions/claude-code-tools.js";
import { modelAliases, resolveModelAlias } from "../../controller/definitions/model-aliases.js";
import { validateWorkspace } from "../../controller/definitions/validate-workspace.js";
import { tempDir } from "../cli/helpers.js";
import { baseWorkspace, type Tree, writeTree } from "../support/tree.js";

// Sample files written for these tests from the Agent Skills and Claude Code
// documentation of each field (not copied from any repository).

async function validate(tree: Tree) {
  const dir = tempDir();
  writeTree(dir, { ...baseWorkspace, "mcp-servers/storefront.yaml": "command: node\nargs: [storefront.js]\n", ...tree });
  return validateWorkspace({ dir, frameworkDir: null });
}

const only = (result: Awaited<ReturnType<typeof validate>>, file: string) =>
  result.diagnostics.filter((d) => d.file === file).map(({ rule, severity, line, column, message }) => ({ rule, severity, line, column, message }));

describe("tool lists written for Claude Code", () => {
  it("split a string on commas and spaces, but not inside parentheses", () => {
    expect(toolListEntries("Read, Grep  Bash(git diff *),mcp__files__read_file")).toEqual([
      { name: "Read" },
      { name: "Grep" },
      { name: "Bash(git diff *)" },
      { name: "mcp__files__read_file" },
    ]);
    expect(toolListEntries(["Read", " mcp__a__b "])).toEqual([{ name: "Read", index: 0 }, { name: "mcp__a__b", index: 1 }]);
  });

  it("keep Nexaas tool names and patterns, widen a bare mcp__<server>, and drop the rest", () => {
    const mapped = mapToolList("Read Bash(git:*) mcp__files mcp__files__read_* nexaas__load_skill WebFetch frobnicate mcp__files__read_*");
    expect(mapped.kept.map((k) => k.pattern)).toEqual(["mcp__files__*", "mcp__files__read_*", "nexaas__load_skill"]);
    expect(mapped.dropped.map((d) => [d.entry.name, d.claudeCode])).toEqual([
      ["Read", true],
      ["Bash(git:*)", true],
      ["WebFetch", true],
      ["frobnicate", false],
    ]);
  });
});

describe("model aliases", () => {
  it("map each alias through the one table, inherit to none, and keep a full id", () => {
    expect(modelAliases).toEqual({ opus: "claude-opus-5-5", sonnet: "claude-sonnet-5-5", haiku: "claude-haiku-5-5" });
    expect(resolveModelAlias("haiku")).toBe("claude-haiku-5-5");
    expect(resolveModelAlias("inherit")).toBeUndefined();
    expect(resolveModelAlias("claude-sonnet-4-6")).toBe("claude-sonnet-4-6");
  });
});

describe("SKILL.md written for Claude Code", () => {
  const skill = `---
name: order-lookup
description: Look an order up and summarise its state. Use when a message names an order number.
argument-hint: "[order number]"
disable-model-invocation: false
user-invocable: true
model: haiku
context: fork
agent: general-purpose
when_to_use: When an order number appears.
hooks:
  on-activate: echo hi
license: Apache-2.0
allowed-tools:
  - Read
  - mcp__storefront__get_order
  - Bash(curl:*)
  - mcp__storefront__list_*
metadata:
  version: 1.10
  build: 7
  beta: false
  owner: shop
---

# Order lookup

Find the order, then summarise it.
`;

  it("loads, with one warning listing the fields Nexaas does not use, at the first of them", async () => {
    const result = await validate({ "skills/order-lookup/SKILL.md": skill });
    expect(result.ok).toBe(true);
    const diagnostics = only(result, "skills/order-lookup/SKILL.md");
    expect(diagnostics).toContainEqual({
      rule: "skill-field-ignored",
      severity: "warning",
      line: 4,
      column: 1,
      message: expect.stringMatching(/ignored: argument-hint, disable-model-invocation, user-invocable, model, context, agent, when_to_use, hooks \(/),
    });
    expect(diagnostics.every((d) => d.severity === "warning")).toBe(true);
  });

  it("reads scalar metadata as strings, as written", async () => {
    const { defs } = await validate({ "skills/order-lookup/SKILL.md": skill });
    expect(defs.skills.get("order-lookup")?.frontMatter?.metadata).toEqual({ version: "1.10", build: "7", beta: "false", owner: "shop" });
  });

  it("keeps the Nexaas tools of a listed allowed-tools and drops Claude Code's own, with a warning at the first dropped", async () => {
    const result = await validate({ "skills/order-lookup/SKILL.md": skill });
    expect(result.defs.skills.get("order-lookup")?.frontMatter).toEqual({
      name: "order-lookup",
      description: "Look an order up and summarise its state. Use when a message names an order number.",
      license: "Apache-2.0",
      "allowed-tools": ["mcp__storefront__get_order", "mcp__storefront__list_*"],
      metadata: { version: "1.10", build: "7", beta: "false", owner: "shop" },
    });
    expect(only(result, "skills/order-lookup/SKILL.md")).toContainEqual({
      rule: "tool-name-ignored",
      severity: "warning",
      line: 15,
      column: 5,
      message: "allowed-tools: dropped: Claude Code's own tools name nothing Nexaas offers (Read, Bash(curl:*))",
    });
  });

  it("takes allowed-tools as one string, separated by spaces or commas", async () => {
    const result = await validate({
      "skills/tidy/SKILL.md": "---\nname: tidy\ndescription: Tidy the inbox.\nallowed-tools: Read, Grep mcp__storefront\n---\nTidy.\n",
    });
    expect(result.ok).toBe(true);
    expect(result.defs.skills.get("tidy")?.frontMatter?.["allowed-tools"]).toEqual(["mcp__storefront__*"]);
    expect(only(result, "skills/tidy/SKILL.md")).toEqual([
      { rule: "tool-name-ignored", severity: "warning", line: 4, column: 16, message: expect.stringContaining("(Read, Grep)") },
    ]);
  });

  it("still refuses what no reading makes sense of: a nested metadata value, a missing description", async () => {
    const result = await validate({
      "skills/a/SKILL.md": "---\nname: a\ndescription: A.\nmetadata:\n  tags: [x, y]\n---\nA.\n",
      "skills/b/SKILL.md": "---\nname: b\nmodel: opus\n---\nB.\n",
    });
    expect(result.ok).toBe(false);
    expect(only(result, "skills/a/SKILL.md")).toEqual([
      { rule: "schema", severity: "error", line: 5, column: 9, message: "metadata.tags: must be string,number,boolean" },
    ]);
    expect(only(result, "skills/b/SKILL.md")).toEqual([
      { rule: "schema", severity: "error", line: 2, column: 1, message: 'missing required field "description"' },
    ]);
  });
});

describe("Claude Code subagent files: agents/<name>.md", () => {
  const reviewer = `---
name: order-reviewer
description: Reviews an order before a refund. Use proactively for refund requests.
tools: Read, Grep, mcp__storefront__get_order, Bash(git log:*)
disallowedTools: [Write, "mcp__storefront__refund_*"]
model: haiku
maxTurns: 8
skills: order-lookup
color: orange
permissionMode: plan
---

You review one order at a time.

Never issue a refund yourself.
`;
  const lookup = "# order-lookup\nLooks an order up.\n\nSteps.\n";

  it("become an agent: the body is the prompt, tools map onto permissions and servers, the alias onto a model id", async () => {
    const result = await validate({ "agents/order-reviewer.md": reviewer, "skills/order-lookup.md": lookup });
    expect(result.ok).toBe(true);
    const agent = result.defs.agents.get("order-reviewer");
    expect(agent).toMatchObject({ format: "claude-code", file: "agents/order-reviewer.md", promptFile: "agents/order-reviewer.md" });
    expect(agent?.config).toEqual({
      name: "order-reviewer",
      description: "Reviews an order before a refund. Use proactively for refund requests.",
      tools: { allow: ["mcp__storefront__get_order"], deny: ["mcp__storefront__refund_*"] },
      mcp_servers: ["storefront"],
      model: "claude-haiku-5-5",
      max_turns: 8,
      skills: ["order-lookup"],
    });
    expect(agent?.prompt).toBe("You review one order at a time.\n\nNever issue a refund yourself.\n");
  });

  it("warn, never fail, on Claude Code's own tools and on fields Nexaas does not use, each at its line and column", async () => {
    const result = await validate({ "agents/order-reviewer.md": reviewer, "skills/order-lookup.md": lookup });
    expect(only(result, "agents/order-reviewer.md")).toEqual([
      { rule: "tool-name-ignored", severity: "warning", line: 4, column: 8, message: "tools: dropped: Claude Code's own tools name nothing Nexaas offers (Read, Grep, Bash(git log:*))" },
      { rule: "tool-name-ignored", severity: "warning", line: 5, column: 19, message: "disallowedTools: dropped: Claude Code's own tools name nothing Nexaas offers (Write)" },
      { rule: "agent-field-ignored", severity: "warning", line: 9, column: 1, message: expect.stringContaining("ignored: color, permissionMode") },
    ]);
  });

  it("take inherit as the workspace's default model, and a full model id as written", async () => {
    const result = await validate({
      "agents/inheritor.md": "---\nname: inheritor\ndescription: Inherits.\nmodel: inherit\n---\nYou inherit.\n",
      "agents/pinned.md": "---\ndescription: Pinned.\nmodel: claude-opus-4-8\n---\nYou are pinned.\n",
      "agents/opus.md": "---\ndescription: Big.\nmodel: opus\ntools: [Read]\n---\nThink hard.\n",
    });
    expect(result.ok).toBe(true);
    expect(result.defs.agents.get("inheritor")?.config).toEqual({ name: "inheritor", description: "Inherits." });
    expect(result.defs.agents.get("pinned")?.config.model).toBe("claude-opus-4-8");
    // Only Claude Code tools listed: the agent is offered no MCP tool, as in Claude Code.
    expect(result.defs.agents.get("opus")?.config).toEqual({ description: "Big.", model: "claude-opus-5-5", tools: { allow: [] } });
  });

  it("are validated like any agent: the name must match the file, referenced servers must exist", async () => {
    const result = await validate({
      "agents/scout.md": "---\nname: scouts\ndescription: Scouts.\n---\nScout.\n",
      "agents/fetcher.md": "---\ndescription: Fetches.\ntools:\n  - WebFetch\n  - mcp__github__search_issues\n---\nFetch.\n",
    });
    expect(result.ok).toBe(false);
    expect(only(result, "agents/scout.md")).toEqual([
      { rule: "name-mismatch", severity: "error", line: 2, column: 7, message: 'name "scouts" does not match its file name "scout"' },
    ]);
    expect(only(result, "agents/fetcher.md")).toContainEqual({
      rule: "unknown-reference",
      severity: "error",
      line: 5,
      column: 5,
      message: expect.stringContaining('unknown MCP server "github"'),
    });
  });

  it("need a prompt after the front matter", async () => {
    const result = await validate({ "agents/silent.md": "---\ndescription: Silent.\n---\n\n" });
    expect(only(result, "agents/silent.md")).toEqual([
      { rule: "missing-prompt", severity: "error", line: 3, column: 1, message: expect.stringContaining("the Markdown after the front matter") },
    ]);
  });

  it("are an error when the folder agent of the same name exists, naming both files", async () => {
    const result = await validate({ "agents/helper.md": "---\ndescription: Helps too.\n---\nYou help too.\n" });
    expect(result.ok).toBe(false);
    expect(only(result, "agents/helper.md")).toEqual([
      { rule: "duplicate-id", severity: "error", line: 1, column: 1, message: 'agent "helper" is defined twice, by agents/helper.md and by agents/helper/: keep one' },
    ]);
  });

  it("are read only when they open with front matter: notes beside the agents are reported, not read", async () => {
    const result = await validate({ "agents/helper-notes.md": "# Notes\nThe helper answers in French.\n" });
    expect(result.ok).toBe(true);
    expect(result.defs.agents.has("helper-notes")).toBe(false);
    expect(only(result, "agents/helper-notes.md")).toEqual([
      { rule: "unknown-file", severity: "warning", line: 1, column: 1, message: expect.stringContaining("not a Claude Code subagent file") },
    ]);
  });

  it("under .claude/ get a hint on where Nexaas reads them", async () => {
    const result = await validate({
      ".claude/agents/order-reviewer.md": reviewer,
      ".claude/skills/order-lookup/SKILL.md": "---\nname: order-lookup\ndescription: Looks up.\n---\nLook.\n",
    });
    expect(result.ok).toBe(true);
    expect(result.defs.agents.has("order-reviewer")).toBe(false);
    expect(result.diagnostics.map(({ file, rule, severity, line, column, message }) => ({ file, rule, severity, line, column, message }))).toEqual([
      {
        file: ".claude/agents/order-reviewer.md",
        rule: "unknown-file",
        severity: "warning",
        line: 1,
        column: 1,
        message: "ignored: Nexaas reads Claude Code subagent files from agents/<name>.md: move this file to agents/order-reviewer.md",
      },
      {
        file: ".claude/skills/order-lookup/SKILL.md",
        rule: "unknown-file",
        severity: "warning",
        line: 1,
        column: 1,
        message: "ignored: Nexaas reads skills from skills/<name>/SKILL.md: move this folder to skills/order-lookup/",
      },
    ]);
  });
});
