import { type AgentLimits, resolveAgentLimits } from "../definitions/agent-limits.js";
import { isRecord } from "../definitions/is-record.js";
import type { Defaults, ToolPermissions } from "../definitions/schema-types.js";
import { delegateToolName, mcpToolPrefix, resolveAgentTools, toolPatternMatchesPrefix } from "../definitions/tool-names.js";

/** A risk before it gets its code in risk-flags.ts: what kind of widening, and what it says. */
export interface AgentRisk {
  code: "tool-permission" | "agent-limit";
  message: string;
}

/** A change of an agent or of the workspace, as risk-flags.ts sees it: plain stored specs. */
export interface AgentRiskInput {
  kind: string;
  name: string;
  before?: Record<string, unknown>;
  after: Record<string, unknown>;
  /** nexaas.yaml `defaults` as the revision wants it: what an agent without its own value gets. */
  workspaceDefaults?: Record<string, unknown>;
}

/**
 * New or widened permissions and raised or removed limits: what an agent can
 * now reach or spend that it could not before. Agents are compared with the
 * revision's workspace defaults on both sides, so a change of nexaas.yaml is
 * flagged once, on the workspace, and not again on every agent it reaches.
 */
export function agentRisks({ kind, name, before, after, workspaceDefaults }: AgentRiskInput): AgentRisk[] {
  if (kind === "agent") {
    const defaults = defaultsOf(workspaceDefaults);
    const old = before ?? {};
    return [
      ...added(names(old.mcp_servers), names(after.mcp_servers)).map((s) => permission(`agent ${name} uses MCP server ${s}${allowNote(s, after, defaults)}`)),
      ...added(names(old.sub_agents), names(after.sub_agents)).map((a) => permission(`agent ${name} can delegate to ${a} (${delegateToolName(a)})`)),
      ...(before ? permissionRisks(`agent ${name}`, resolveAgentTools(tools(before.tools), defaults.tools), resolveAgentTools(tools(after.tools), defaults.tools)) : []),
      ...limitRisks(`agent ${name}`, resolveAgentLimits(limitsOf(old), defaults), resolveAgentLimits(limitsOf(after), defaults)),
    ];
  }
  if (kind === "workspace") {
    const old = defaultsOf(isRecord(before?.defaults) ? before.defaults : {});
    const now = defaultsOf(isRecord(after.defaults) ? after.defaults : {});
    const who = "workspace defaults:";
    return [...permissionRisks(who, old.tools, now.tools), ...limitRisks(who, resolveAgentLimits({}, old), resolveAgentLimits({}, now))];
  }
  return [];
}

const permission = (message: string): AgentRisk => ({ code: "tool-permission", message });
const limit = (message: string): AgentRisk => ({ code: "agent-limit", message });

/** Which of the server's tools the agent is offered: every one, those allowed, less those denied (patterns that can reach the server). */
function allowNote(server: string, after: Record<string, unknown>, defaults: Defaults): string {
  const resolved = resolveAgentTools(tools(after.tools), defaults.tools);
  const denied = (resolved?.deny ?? []).filter((pattern) => toolPatternMatchesPrefix(pattern, mcpToolPrefix(server)));
  const deny = denied.length ? `, except those matching ${denied.join(", ")}` : "";
  const allow = resolved?.allow;
  if (allow === undefined) return ` (every tool it offers${deny})`;
  return allow.length ? ` (tools matching ${allow.join(", ")}${deny})` : " (no tool: tools.allow is empty)";
}

/** Allow patterns added, allow dropped (every MCP tool again), deny patterns dropped. */
function permissionRisks(who: string, before: ToolPermissions | undefined, after: ToolPermissions | undefined): AgentRisk[] {
  const risks: AgentRisk[] = [];
  if (before?.allow !== undefined && after?.allow === undefined) risks.push(permission(`${who} tools.allow removed: every tool of its MCP servers is offered`));
  if (before?.allow !== undefined && after?.allow !== undefined) {
    for (const p of added(before.allow, after.allow)) risks.push(permission(`${who} tools.allow adds ${p}`));
  }
  for (const p of added(after?.deny ?? [], before?.deny ?? [])) risks.push(permission(`${who} tools.deny no longer has ${p}`));
  return risks;
}

/** A limit raised, or max_cost_usd gone (no limit at all); a lower limit is never a risk. */
function limitRisks(who: string, before: AgentLimits, after: AgentLimits): AgentRisk[] {
  const risks: AgentRisk[] = [];
  const compare = (field: string, old: number | undefined, now: number | undefined, show: (n: number) => string = String) => {
    if (now === undefined && old !== undefined) risks.push(limit(`${who} ${field} removed (was ${show(old)}): no limit`));
    else if (now !== undefined && old !== undefined && now > old) risks.push(limit(`${who} ${field} raised: ${show(old)} -> ${show(now)}`));
  };
  compare("max_turns", before.maxTurns, after.maxTurns);
  compare("max_tool_calls", before.maxToolCalls, after.maxToolCalls);
  compare("max_cost_usd", before.maxCostUsd, after.maxCostUsd, (n) => `$${n}`);
  compare("tool_timeout", before.toolTimeoutMs, after.toolTimeoutMs, showMs);
  compare("max_delegation_depth", before.maxDelegationDepth, after.maxDelegationDepth);
  return risks;
}

/** 120000 -> "2m": the largest unit that divides it, as a definition would write it. */
function showMs(ms: number): string {
  const units: [string, number][] = [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], ["s", 1000]];
  const [unit, size] = units.find(([, n]) => ms % n === 0) ?? ["ms", 1];
  return `${ms / size}${unit}`;
}

const added = (before: readonly string[], after: readonly string[]): string[] => after.filter((x) => !before.includes(x));

const strings = (value: unknown): string[] | undefined => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : undefined);
const names = (value: unknown): string[] => strings(value) ?? [];
const num = (value: unknown): number | undefined => (typeof value === "number" ? value : undefined);
const duration = (value: unknown): string | number | undefined => (typeof value === "string" || typeof value === "number" ? value : undefined);

function tools(value: unknown): ToolPermissions | undefined {
  if (!isRecord(value)) return undefined;
  const allow = strings(value.allow);
  const deny = strings(value.deny);
  return { ...(allow ? { allow } : {}), ...(deny ? { deny } : {}) };
}

/** A stored spec's limit fields, read back from plain JSON. */
function limitsOf(spec: Record<string, unknown>): Defaults {
  return {
    max_turns: num(spec.max_turns),
    max_tool_calls: num(spec.max_tool_calls),
    max_cost_usd: num(spec.max_cost_usd),
    tool_timeout: duration(spec.tool_timeout),
    max_delegation_depth: num(spec.max_delegation_depth),
  };
}

function defaultsOf(spec: Record<string, unknown> | undefined): Defaults {
  return { ...limitsOf(spec ?? {}), tools: tools(spec?.tools) };
}
