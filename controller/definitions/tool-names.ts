import type { ToolPermissions } from "./schema-types.js";

/** The Messages API refuses longer tool names. */
export const maxToolNameLength = 64;

/** The prefix of every MCP tool name: Claude Code's convention, so patterns read the same in both. */
export const mcpToolPrefix = (server: string): string => `mcp__${server}__`;

/**
 * The name the model sees for tool `tool` of MCP server `server`. A server
 * may name its tools with any characters; the API takes only [a-zA-Z0-9_-].
 */
export function mcpToolName(server: string, tool: string): string {
  return (mcpToolPrefix(server) + tool.replace(/[^a-zA-Z0-9_-]/g, "_")).slice(0, maxToolNameLength);
}

/** Built-in tools, each offered only when the agent's own declarations give it (README "Agents that act"). */
export const builtinToolNames = {
  /** {name}: a skill's instructions; offered when the agent has `skills`. */
  loadSkill: "nexaas__load_skill",
  /** {skill, path}: another file of a folder skill, confined to that folder. */
  readSkillFile: "nexaas__read_skill_file",
  /** {registry, match?, limit?}: read-only lookup; offered when the workspace defines registries. */
  lookupRegistry: "nexaas__lookup_registry",
} as const;

/** {task}: runs sub-agent `agent`'s own loop and returns its final text. One per `sub_agents` entry. */
export function delegateToolName(agent: string): string {
  return `nexaas__delegate_${agent}`.slice(0, maxToolNameLength);
}

/** What gives an agent its built-in tools: its skills (a folder skill is format "agent-skill"), sub-agents, and the workspace's registries. */
export interface BuiltinToolSources {
  skills: readonly { format: "markdown" | "agent-skill" }[];
  subAgents: readonly string[];
  hasRegistries: boolean;
}

/** The built-in tools an agent has before `tools` permissions apply; validation and the run both read this list. */
export function builtinToolsOf({ skills, subAgents, hasRegistries }: BuiltinToolSources): string[] {
  return [
    ...(skills.length ? [builtinToolNames.loadSkill] : []),
    ...(skills.some((s) => s.format === "agent-skill") ? [builtinToolNames.readSkillFile] : []),
    ...(hasRegistries ? [builtinToolNames.lookupRegistry] : []),
    ...subAgents.map(delegateToolName),
  ];
}

const compiled = new Map<string, RegExp>();

/** Whether glob `pattern` matches tool `name` whole: `*` is any run of characters (`_` included), the rest literal. */
export function toolPatternMatches(pattern: string, name: string): boolean {
  let regex = compiled.get(pattern);
  if (!regex) {
    const literal = (part: string) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    regex = new RegExp(`^${pattern.split("*").map(literal).join(".*")}$`);
    compiled.set(pattern, regex);
  }
  return regex.test(name);
}

/**
 * Whether `pattern` matches some name that starts with `prefix` and goes on
 * for at least one more character: the test for "a tool of this MCP server",
 * whose tool names are only known once it runs. Walks the glob over the prefix;
 * any pattern left afterwards can be completed, since its literal characters
 * are all characters a tool name may hold.
 */
export function toolPatternMatchesPrefix(pattern: string, prefix: string): boolean {
  // States: how much of the pattern is consumed. A `*` state also stays put on any character.
  const closure = (states: Set<number>) => {
    for (const s of states) if (pattern[s] === "*") states.add(s + 1);
    return states;
  };
  let states = closure(new Set([0]));
  for (const char of prefix) {
    const next = new Set<number>();
    for (const s of states) {
      if (pattern[s] === "*") next.add(s);
      else if (pattern[s] === char) next.add(s + 1);
    }
    states = closure(next);
    if (states.size === 0) return false;
  }
  return [...states].some((s) => s < pattern.length);
}

export type ToolPermission = { allowed: true } | { allowed: false; reason: string };

/**
 * Whether an agent whose (resolved) permissions are `tools` may see and call
 * tool `name`. Deny wins over everything; `allow` narrows MCP tools only, as
 * built-ins follow the agent's own skills, sub_agents and the workspace's
 * registries, which a reviewer already sees. No `tools`: all allowed.
 */
export function toolPermission(name: string, tools: ToolPermissions | undefined, options: { builtin: boolean }): ToolPermission {
  const denied = tools?.deny?.find((p) => toolPatternMatches(p, name));
  if (denied !== undefined) return { allowed: false, reason: `tool ${name} is denied by tools.deny pattern ${denied}` };
  const allow = tools?.allow;
  if (!options.builtin && allow !== undefined && !allow.some((p) => toolPatternMatches(p, name))) {
    const list = allow.length ? `tools.allow (${allow.join(", ")})` : "tools.allow, which is empty";
    return { allowed: false, reason: `tool ${name} matches no pattern of ${list}` };
  }
  return { allowed: true };
}

/**
 * An agent's permissions with the workspace's (nexaas.yaml `defaults.tools`)
 * applied: the workspace's deny patterns add to the agent's own, so a guard set
 * for every agent cannot be dropped by one agent's file; `allow` is the agent's
 * if it sets one, else the workspace's, like every other default.
 */
export function resolveAgentTools(agent: ToolPermissions | undefined, workspace: ToolPermissions | undefined): ToolPermissions | undefined {
  const deny = [...new Set([...(workspace?.deny ?? []), ...(agent?.deny ?? [])])];
  const allow = agent?.allow ?? workspace?.allow;
  if (allow === undefined && deny.length === 0) return undefined;
  return { ...(allow !== undefined ? { allow } : {}), ...(deny.length ? { deny } : {}) };
}
