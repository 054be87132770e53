import { describe, expect, it } from "vitest";
import { validateWorkspace } from "../../controller/definitions/validate-workspace.js";
import { tempDir } from "../cli/helpers.js";
import { baseWorkspace, writeTree } from "../support/tree.js";

const now = new Date("2026-11-23T12:00:00Z");

function framework(): string {
  const dir = tempDir("nexaas-framework-");
  writeTree(dir, {
    "agents/ops-monitor/config.yaml": "description: Watches.\nmodel: claude-haiku-4-5\nskills: [health-check]\n",
    "agents/ops-monitor/prompt.md": "You watch.\n",
    "skills/health-check.md": "# health-check\nChecks health.\n\nSteps here.\n",
    "skills/summarise/SKILL.md": "---\nname: summarise\ndescription: Summarises a day.\n---\n# Summarise\nDo it.\n",
    "mcp-servers/filesystem.yaml": "description: Files.\ncommand: npx\nargs: [-y, some-server]\n",
    "mcp-servers/fetch.yaml": "description: Fetch.\ncommand: uvx\nargs: [mcp-server-fetch]\n",
  });
  return dir;
}

describe("layers: the workspace over the framework", () => {
  it("uses framework definitions and records the layer of each", async () => {
    const dir = tempDir();
    writeTree(dir, baseWorkspace);
    const { defs, diagnostics } = await validateWorkspace({ dir, now, frameworkDir: framework() });
    expect(diagnostics).toEqual([]);
    expect(defs.agents.get("ops-monitor")?.layer).toBe("framework");
    expect(defs.agents.get("helper")?.layer).toBe("workspace");
    expect(defs.skills.get("health-check")).toMatchObject({ layer: "framework", format: "markdown", description: "Checks health.", instructions: "Steps here." });
    expect(defs.skills.get("summarise")).toMatchObject({ format: "agent-skill", description: "Summarises a day." });
  });

  it("replaces a framework definition whole, not field by field", async () => {
    const dir = tempDir();
    writeTree(dir, {
      ...baseWorkspace,
      "agents/ops-monitor/config.yaml": "description: Our own monitor.\n",
      "agents/ops-monitor/prompt.md": "You are ours.\n",
    });
    const { defs } = await validateWorkspace({ dir, now, frameworkDir: framework() });
    const agent = defs.agents.get("ops-monitor");
    expect(agent?.layer).toBe("workspace");
    expect(agent?.config).toEqual({ description: "Our own monitor." }); // no model or skills inherited
    expect(agent?.prompt).toBe("You are ours.\n");
  });

  it("enables framework MCP servers only when nexaas.yaml names them", async () => {
    const dir = tempDir();
    writeTree(dir, {
      ...baseWorkspace,
      "nexaas.yaml": "name: t\ndefaults: {agent: helper}\nmcp_servers: [filesystem, gitlab]\n",
      "agents/helper/config.yaml": "description: Helps.\nmcp_servers: [filesystem, fetch]\n",
    });
    const { defs, diagnostics } = await validateWorkspace({ dir, now, frameworkDir: framework() });
    expect([...defs.mcpServers.keys()]).toEqual(["filesystem"]);
    expect(diagnostics.map((d) => `${d.file}:${d.line} ${d.rule} ${d.message}`)).toEqual([
      'agents/helper/config.yaml:2 unknown-reference MCP server "fetch" is in the framework but not enabled: add it to mcp_servers in nexaas.yaml',
      "nexaas.yaml:3 unknown-reference mcp_servers: \"gitlab\" is not a framework MCP server (known: fetch, filesystem)",
    ]);
  });

  it("turns memory followups into once events and checks into interval events", async () => {
    const dir = tempDir();
    writeTree(dir, {
      ...baseWorkspace,
      "skills/disk.md": "# disk\nChecks disks.\n",
      "memory/followups.yaml": "followups:\n  - id: renew-cert\n    due: 2027-03-01T09:00:00+01:00\n    prompt: Renew the certificate.\n",
      "memory/checks.yaml": "checks:\n  - id: disk-space\n    interval: 1h\n    skill: disk\n  - id: queue-depth\n    interval: 15m\n    prompt: Is the queue backed up?\n",
    });
    const { defs, diagnostics } = await validateWorkspace({ dir, now, frameworkDir: null });
    expect(diagnostics).toEqual([]);
    expect(defs.events.get("renew-cert")?.spec).toMatchObject({
      condition: { type: "once", expr: "2027-03-01T09:00:00+01:00" },
      action: { type: "claude_chat", prompt: "Renew the certificate." },
    });
    expect(defs.events.get("disk-space")?.spec).toMatchObject({ condition: { type: "interval", expr: "1h" }, action: { type: "skill", skill: "disk" } });
    expect(defs.events.get("queue-depth")?.origin).toBe("checks");
  });

  it("points a shorthand's error at its line in memory/", async () => {
    const dir = tempDir();
    writeTree(dir, {
      ...baseWorkspace,
      "memory/checks.yaml": "checks:\n  - id: ok-one\n    interval: 1h\n    prompt: fine\n  - id: broken\n    interval: 1h\n    skill: nonexistent\n",
    });
    const { diagnostics } = await validateWorkspace({ dir, now, frameworkDir: null });
    expect(diagnostics).toEqual([expect.objectContaining({ file: "memory/checks.yaml", line: 7, rule: "unknown-reference" })]);
  });

  it("rejects two skills of one name in both formats", async () => {
    const dir = tempDir();
    writeTree(dir, {
      ...baseWorkspace,
      "skills/triage.md": "# triage\nTriage.\n",
      "skills/triage/SKILL.md": "---\nname: triage\ndescription: Triage again.\n---\n",
    });
    const { diagnostics } = await validateWorkspace({ dir, now, frameworkDir: null });
    expect(diagnostics).toEqual([expect.objectContaining({ rule: "duplicate-id", file: "skills/triage/SKILL.md", line: 2 })]);
  });
});
