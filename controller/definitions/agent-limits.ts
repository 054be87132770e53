import { parseDuration } from "./duration.js";
import { agentLimitDefaults, type AgentFile, type Defaults } from "./schema-types.js";

/** The limits one agent's loop runs under, every default applied. */
export interface AgentLimits {
  /** Model calls in this agent's own loop (a sub-agent's loop counts its own). */
  maxTurns: number;
  /** Tool calls in the whole run, all depths together: the run's top agent sets it. */
  maxToolCalls: number;
  /** Spend of the whole run, all depths together; undefined: no limit. */
  maxCostUsd: number | undefined;
  /** Per tool call. */
  toolTimeoutMs: number;
  /** How deep sub-agents may nest below the run's top agent (0: no delegation). Workspace-wide. */
  maxDelegationDepth: number;
}

type LimitFields = Pick<AgentFile, "max_turns" | "max_tool_calls" | "max_cost_usd" | "tool_timeout">;

/**
 * The agent's own value wins, then nexaas.yaml `defaults`, then the schema's
 * default (schemas/nexaas.schema.json), so no reader writes `?? 20` of its own.
 */
export function resolveAgentLimits(agent: LimitFields, defaults: Defaults | undefined): AgentLimits {
  const timeout = agent.tool_timeout ?? defaults?.tool_timeout ?? agentLimitDefaults.tool_timeout;
  return {
    maxTurns: agent.max_turns ?? defaults?.max_turns ?? agentLimitDefaults.max_turns,
    maxToolCalls: agent.max_tool_calls ?? defaults?.max_tool_calls ?? agentLimitDefaults.max_tool_calls,
    maxCostUsd: agent.max_cost_usd ?? defaults?.max_cost_usd,
    // Validation refuses a zero or overlong duration; a stored value that slipped past falls back, not to "no timeout".
    toolTimeoutMs: parseDuration(timeout) ?? defaultToolTimeoutMs,
    maxDelegationDepth: defaults?.max_delegation_depth ?? agentLimitDefaults.max_delegation_depth,
  };
}

const defaultToolTimeoutMs = parseDuration(agentLimitDefaults.tool_timeout) ?? 60_000;
