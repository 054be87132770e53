import type { Diagnostic } from "../diagnostic.js";
import type { AgentDefinition } from "../model.js";
import { agentLimitDefaults } from "../schema-types.js";
import { finding, type Rule } from "./rule.js";

/**
 * A sub_agents chain deeper than nexaas.yaml `defaults.max_delegation_depth`
 * is allowed (a run may never take it) but its last link is refused at run
 * time, so say so now: a warning at that link. Any agent may start a run, so
 * each is tried as the top (depth 0); a cycle ends at the limit like any chain.
 */
export const delegationDepth: Rule = ({ defs }) => {
  const max = defs.manifest?.spec.defaults?.max_delegation_depth ?? agentLimitDefaults.max_delegation_depth;
  const found = new Map<string, Diagnostic>();
  const walk = (chain: readonly AgentDefinition[]): void => {
    const agent = chain[chain.length - 1];
    if (!agent) return;
    agent.config.sub_agents?.forEach((name, i) => {
      const depth = chain.length;
      if (depth > max) {
        const key = `${agent.name}\n${i}`;
        const path = [...chain.map((a) => a.name), name].join(" -> ");
        const message = `${path} nests ${depth} deep, beyond max_delegation_depth ${max} (nexaas.yaml defaults): in a run that starts at ${chain[0]?.name ?? ""}, ${agent.name} cannot delegate to ${name}`;
        if (!found.has(key)) found.set(key, finding(agent, ["sub_agents", i], "delegation-depth", message, "warning"));
        return;
      }
      const sub = defs.agents.get(name);
      if (sub) walk([...chain, sub]);
    });
  };
  for (const agent of defs.agents.values()) walk([agent]);
  return [...found.values()];
};
