import { resolveAgentLimits, type AgentLimits } from "../definitions/agent-limits.js";
import { resolveAgentTools } from "../definitions/tool-names.js";
import type { ToolPermissions } from "../definitions/schema-types.js";
import { readDefinition } from "../store/read-definition.js";
import type { Sql } from "../store/sql/sql.js";
import { AgentError } from "./agent-error.js";

/** Everything one agent's loop needs from the applied definitions. */
export interface AgentProfile {
  name: string;
  /** prompt.md, sent as `system` (the skills list is added to it when the agent has skills). */
  prompt: string;
  description: string;
  model: string;
  maxTokens: number;
  limits: AgentLimits;
  /** The agent's `tools`, with nexaas.yaml defaults.tools' deny patterns added (and its allow when the agent sets none). */
  tools: ToolPermissions | undefined;
  skills: string[];
  subAgents: string[];
  mcpServers: string[];
}

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/**
 * The agent an action runs: its own `agent`, else the event's, else
 * nexaas.yaml defaults.agent; the workspace defaults fill what it leaves out.
 */
export async function agentProfile(sql: Sql, requested: string | undefined, label: string): Promise<AgentProfile> {
  const workspace = await readDefinition(sql, "workspace", "workspace");
  const defaults = workspace?.defaults ?? {};
  const name = text(requested) ?? text(defaults.agent);
  if (!name) throw new AgentError(`${label}: no agent: set \`agent\` on the action or the event, or defaults.agent in nexaas.yaml`, "no-agent");
  const agent = await readDefinition(sql, "agent", name);
  if (!agent) throw new AgentError(`${label}: agent "${name}" is not defined (or not applied)`, "unknown-agent");
  const model = text(agent.model) ?? text(defaults.model);
  if (!model) throw new AgentError(`${label}: agent "${name}" has no model and nexaas.yaml sets no defaults.model`, "no-model");
  return {
    name,
    prompt: agent.prompt,
    description: agent.description,
    model,
    maxTokens: agent.max_tokens ?? defaults.max_tokens ?? 4096,
    limits: resolveAgentLimits(agent, defaults),
    tools: resolveAgentTools(agent.tools, defaults.tools),
    skills: agent.skills ?? [],
    subAgents: agent.sub_agents ?? [],
    mcpServers: agent.mcp_servers ?? [],
  };
}
