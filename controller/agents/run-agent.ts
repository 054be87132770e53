import { builtinToolNames, delegateToolName, toolPermission } from "../definitions/tool-names.js";
import { readDefinition } from "../store/read-definition.js";
import { setRunStopReason } from "../store/run-stop-reason.js";
import { AgentError } from "./agent-error.js";
import { agentProfile, type AgentProfile } from "./agent-profile.js";
import type { AgentRuntime } from "./agent-runtime.js";
import { toolError, toolText, type AgentTool } from "./agent-tool.js";
import { connectServers, type McpConnections, type McpServerSpec } from "./mcp/connect-servers.js";
import { registryTool } from "./registry-tool.js";
import { RunLedger } from "./run-ledger.js";
import { skillsListing, skillTools } from "./skill-tools.js";
import { successfulStops } from "./stop-reason.js";
import { runToolLoop, type LoopAgent, type LoopResult, type Turn } from "./tool-loop.js";

export interface AgentRequest {
  /** The action's agent, else the event's; nexaas.yaml defaults.agent when neither. */
  agent: string | undefined;
  /** For messages: "claude_chat" or "skill". */
  label: string;
  /** Added to the agent's prompt.md (a skill action's instructions). */
  instructions?: string;
  messages: Turn[];
}

/**
 * One attempt of an agent: connect the MCP servers it (and the sub-agents it
 * may delegate to) names, offer their tools and its built-ins under its
 * permissions, run the loop, and close every server whatever happens. The stop
 * reason is kept on the run. A stop that fails the run (max_turns,
 * max_tool_calls, budget, refusal) is an AgentError with that code.
 */
export async function runAgent(rt: AgentRuntime, request: AgentRequest): Promise<LoopResult> {
  const root = await agentProfile(rt.sql, request.agent, request.label);
  const agents = await reachableAgents(rt, root);
  const servers = await serverSpecs(rt, agents);
  let result: LoopResult;
  let budgetStop: RunLedger["budgetStop"];
  try {
    const connections = await connect(rt, servers);
    try {
      const ledger = new RunLedger(root.limits.maxToolCalls, root.limits.maxCostUsd);
      const loopAgent = async (profile: AgentProfile, depth: number, instructions?: string): Promise<LoopAgent> => {
        const candidates = [...mcpTools(connections, profile), ...(await builtinTools(profile, depth))];
        const offered = candidates.filter((t) => toolPermission(t.name, profile.tools, { builtin: t.server === null }).allowed);
        // prompt.md goes as written; a skill action's instructions follow it after a blank line.
        const system = instructions?.trim() ? [profile.prompt.trimEnd(), instructions.trim()].filter((p) => p !== "").join("\n\n") : profile.prompt;
        const loadsSkills = offered.some((t) => t.name === builtinToolNames.loadSkill);
        return {
          profile,
          depth,
          system: loadsSkills ? system + (await skillsListing(rt.sql, profile.skills)) : system,
          tools: offered,
          refusal: (name) => {
            const permission = toolPermission(name, profile.tools, { builtin: name.startsWith("nexaas__") });
            if (!permission.allowed && candidates.some((t) => t.name === name)) return permission.reason;
            return `tool ${name} is not available to agent ${profile.name}`;
          },
        };
      };
      const builtinTools = async (profile: AgentProfile, depth: number): Promise<AgentTool[]> => {
        const registry = await registryTool(rt.sql);
        const delegates = depth < root.limits.maxDelegationDepth ? profile.subAgents.flatMap((name) => delegateTool(name, depth)) : [];
        return [...(await skillTools(rt.sql, profile.skills)), ...(registry ? [registry] : []), ...delegates];
      };
      const delegateTool = (name: string, depth: number): AgentTool[] => {
        const sub = agents.get(name);
        if (!sub) return [];
        return [
          {
            name: delegateToolName(name),
            description: `Delegate a task to the agent ${name} and get its final answer. ${sub.description}`,
            inputSchema: { type: "object", properties: { task: { type: "string", description: "What the agent should do, with everything it needs to know." } }, required: ["task"] },
            server: null,
            run: async (input) => {
              const task = typeof input.task === "string" ? input.task.trim() : "";
              if (task === "") return toolError("give the sub-agent a `task`");
              const nested = await runToolLoop(await loopAgent(sub, depth + 1), [{ role: "user", content: task }], rt, ledger);
              if (successfulStops.has(nested.stopReason)) return toolText(nested.text);
              return toolError(`agent ${name} stopped (${nested.stopReason}) before finishing${nested.text ? `; its last words: ${nested.text}` : ""}`);
            },
          },
        ];
      };
      result = await runToolLoop(await loopAgent(root, 0, request.instructions), request.messages, rt, ledger);
      budgetStop = ledger.budgetStop;
    } finally {
      await connections.close();
    }
  } catch (error) {
    if (rt.signal.aborted) await setRunStopReason(rt.sql, rt.runId, "timeout");
    throw error;
  }
  await setRunStopReason(rt.sql, rt.runId, result.stopReason);
  if (!successfulStops.has(result.stopReason)) {
    throw new AgentError(stopMessage(root, result, budgetStop), result.stopReason);
  }
  return result;
}

function stopMessage(root: AgentProfile, result: LoopResult, budgetStop: RunLedger["budgetStop"]): string {
  if (budgetStop?.by === "daily") {
    return `daily budget reached: $${budgetStop.spentToday.toFixed(4)} spent today (UTC) of budget.daily_usd; claude actions resume tomorrow or when the budget is raised`;
  }
  const why: Record<string, string> = {
    max_turns: `it reached max_turns (${root.limits.maxTurns}) before ending its turn`,
    max_tool_calls: `the run reached max_tool_calls (${root.limits.maxToolCalls})`,
    budget: `the next model call could pass max_cost_usd ($${root.limits.maxCostUsd ?? "?"}) for the run`,
    refusal: "the model refused the request",
  };
  const last = result.text.trim() === "" ? "" : `; last text: ${result.text.trim().slice(0, 500)}`;
  return `agent ${root.name} stopped: ${why[result.stopReason] ?? result.stopReason}${last}`;
}

/** The agent and the sub-agents it may reach within the delegation depth, by name. */
async function reachableAgents(rt: AgentRuntime, root: AgentProfile): Promise<Map<string, AgentProfile>> {
  const found = new Map<string, AgentProfile>([[root.name, root]]);
  let frontier = [root];
  for (let depth = 0; depth < root.limits.maxDelegationDepth && frontier.length > 0; depth++) {
    const next: AgentProfile[] = [];
    for (const agent of frontier) {
      for (const name of agent.subAgents) {
        if (found.has(name)) continue;
        const profile = await agentProfile(rt.sql, name, `sub-agent of ${agent.name}`);
        found.set(name, profile);
        next.push(profile);
      }
    }
    frontier = next;
  }
  return found;
}

/**
 * The MCP servers named by the reachable agents, once each. A name with no
 * applied server fails the run; a server with `enabled: false` is left out (its
 * tools are not offered; validate warned about the agents that name it).
 */
async function serverSpecs(rt: AgentRuntime, agents: Map<string, AgentProfile>): Promise<(McpServerSpec & { name: string })[]> {
  const names = [...new Set([...agents.values()].flatMap((a) => a.mcpServers))];
  const enabled = await readDefinition(rt.sql, "workspace", "workspace");
  const specs: (McpServerSpec & { name: string })[] = [];
  for (const name of names) {
    const spec = await readDefinition(rt.sql, "mcp_server", name);
    if (!spec) {
      throw new AgentError(`MCP server "${name}" is not applied (a framework server must be enabled in nexaas.yaml mcp_servers; enabled: ${(enabled?.mcp_servers ?? []).join(", ") || "none"})`, "mcp-server");
    }
    if (spec.enabled !== false) specs.push({ ...spec, name });
  }
  return specs;
}

async function connect(rt: AgentRuntime, servers: (McpServerSpec & { name: string })[]): Promise<McpConnections> {
  if (servers.length === 0) return { tools: [], call: () => Promise.reject(new Error("no MCP servers")), close: () => Promise.resolve() };
  try {
    return await connectServers(servers, {
      workspaceDir: rt.workspaceDir,
      resolve: rt.resolve,
      ...(rt.remember ? { remember: rt.remember } : {}),
      signal: rt.signal,
      checkEgress: rt.checkEgress,
      ...(rt.onProcess ? { onProcess: rt.onProcess } : {}),
      clientName: "nexaas",
    });
  } catch (error) {
    if (rt.signal.aborted) throw error;
    // A server that cannot start or list its tools is a configuration error: the run fails, naming it, without a retry.
    if (error instanceof Error && "server" in error) throw new AgentError(rt.mask(error.message), "mcp-server", { cause: error });
    throw error;
  }
}

function mcpTools(connections: McpConnections, profile: AgentProfile): AgentTool[] {
  return connections.tools
    .filter((t) => profile.mcpServers.includes(t.server))
    .map((t) => ({
      name: t.name,
      description: t.description,
      inputSchema: t.inputSchema,
      server: t.server,
      run: (input, signal) => connections.call(t, input, { signal, timeoutMs: profile.limits.toolTimeoutMs }),
    }));
}
