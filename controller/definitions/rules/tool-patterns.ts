import type { Diagnostic } from "../diagnostic.js";
import type { AgentDefinition, Definitions } from "../model.js";
import type { ValuePath } from "../parsed-file.js";
import type { ToolPermissions } from "../schema-types.js";
import { builtinToolsOf, delegateToolName, mcpToolPrefix, toolPatternMatches, toolPatternMatchesPrefix } from "../tool-names.js";
import { finding, type Rule } from "./rule.js";

/** The tools an agent (or, for nexaas.yaml, any agent) could be offered: MCP servers' tool names are only known at run time. */
interface ToolUniverse {
  servers: readonly string[];
  builtins: readonly string[];
  /** For messages: "this agent", "an agent of this workspace". */
  who: string;
}

/**
 * Each `tools` pattern must be able to match a tool its agent could have: a
 * pattern that matches nothing is a typo that would deny nothing, or allow
 * nothing, without a word. An `allow` pattern that reaches only built-ins is a
 * warning, as allow never withholds a built-in (deny does).
 */
export const toolPatterns: Rule = ({ defs }) => {
  const out: Diagnostic[] = [];
  const reporter = (owner: Parameters<typeof finding>[0], prefix: ValuePath): Report => (path, message, severity = "error") =>
    out.push(finding(owner, [...prefix, ...path], "tool-pattern", message, severity));
  for (const agent of defs.agents.values()) {
    checkPatterns(agent.config.tools, agentUniverse(agent, defs), reporter(agent, []));
    delegateCollisions(agent, (i, message) => out.push(finding(agent, ["sub_agents", i], "tool-name", message)));
  }
  const manifest = defs.manifest;
  if (manifest) {
    const owner = { file: manifest.source.file, source: manifest.source };
    checkPatterns(manifest.spec.defaults?.tools, workspaceUniverse(defs), reporter(owner, ["defaults"]));
  }
  return out;
};

type Report = (path: ValuePath, message: string, severity?: Diagnostic["severity"]) => void;

function checkPatterns(tools: ToolPermissions | undefined, universe: ToolUniverse, report: Report): void {
  for (const list of ["allow", "deny"] as const) {
    tools?.[list]?.forEach((pattern, i) => {
      const path = ["tools", list, i];
      const mcp = universe.servers.some((s) => toolPatternMatchesPrefix(pattern, mcpToolPrefix(s)));
      const builtins = universe.builtins.filter((b) => toolPatternMatches(pattern, b));
      if (!mcp && builtins.length === 0) report(path, `tools.${list}: "${pattern}" ${noMatch(pattern, universe)}`);
      else if (list === "allow" && !mcp) {
        report(path, `tools.allow: "${pattern}" matches only built-in tools (${builtins.join(", ")}), which allow never withholds: use tools.deny to take one away`, "warning");
      }
    });
  }
}

function noMatch(pattern: string, { servers: names, builtins: tools, who }: ToolUniverse): string {
  const servers = names.length ? `MCP servers: ${names.join(", ")}` : "no MCP servers";
  const builtins = tools.length ? `built-in tools: ${tools.join(", ")}` : "no built-in tools (they come from skills, sub_agents and registries)";
  if (pattern.startsWith("mcp__")) return `matches no tool of an MCP server ${who} could use (${servers})`;
  if (pattern.startsWith("nexaas__")) return `matches no built-in tool ${who} could have (${builtins})`;
  return `matches no tool ${who} could have (${servers}; ${builtins}); MCP tools are named mcp__<server>__<tool>`;
}

/** What an agent's own declarations give it (README "Agents that act"). An unknown skill is unknown-reference's to report. */
function agentUniverse(agent: AgentDefinition, defs: Definitions): ToolUniverse {
  const skills = (agent.config.skills ?? []).map((s) => defs.skills.get(s) ?? { format: "markdown" as const });
  const builtins = builtinToolsOf({ skills, subAgents: agent.config.sub_agents ?? [], hasRegistries: defs.registries.size > 0 });
  return { servers: agent.config.mcp_servers ?? [], builtins, who: "this agent" };
}

/** nexaas.yaml's `defaults.tools` applies to every agent: what any of them could have. */
function workspaceUniverse(defs: Definitions): ToolUniverse {
  const builtins = builtinToolsOf({ skills: [...defs.skills.values()], subAgents: [...defs.agents.keys()], hasRegistries: defs.registries.size > 0 });
  return { servers: [...defs.mcpServers.keys()], builtins, who: "an agent of this workspace" };
}

/** Tool names are cut to 64 characters: two long sub-agent names could become one tool. */
function delegateCollisions(agent: AgentDefinition, report: (index: number, message: string) => void): void {
  const seen = new Map<string, string>();
  agent.config.sub_agents?.forEach((name, i) => {
    const tool = delegateToolName(name);
    const other = seen.get(tool);
    if (other !== undefined) report(i, `sub-agents "${other}" and "${name}" get the same tool name ${tool} (tool names are cut to 64 characters): shorten one name`);
    else seen.set(tool, name);
  });
}
