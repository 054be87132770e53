import type { Diagnostic } from "../diagnostic.js";
import type { Definition, Definitions } from "../model.js";
import type { ValuePath } from "../parsed-file.js";
import { actionSites, finding, type Rule } from "./rule.js";

type Target = "agent" | "skill" | "flow" | "mcp-server";

/** Every name that points at another definition must exist in one of the layers. */
export const unknownReference: Rule = ({ defs }) => {
  const out: Diagnostic[] = [];
  const check = (owner: Definition | undefined, path: ValuePath, target: Target, name: unknown, file?: { file: string; source: Definition["source"] }) => {
    if (typeof name !== "string" || exists(defs, target, name)) return;
    const where = owner ?? file;
    if (where) out.push(finding(where, path, "unknown-reference", missingMessage(defs, target, name)));
  };

  for (const agent of defs.agents.values()) {
    check(agent, ["parent"], "agent", agent.config.parent);
    agent.config.sub_agents?.forEach((n, i) => check(agent, ["sub_agents", i], "agent", n));
    agent.config.skills?.forEach((n, i) => check(agent, ["skills", i], "skill", n));
    agent.config.mcp_servers?.forEach((n, i) => check(agent, ["mcp_servers", i], "mcp-server", n));
  }
  for (const event of defs.events.values()) check(event, ["agent"], "agent", event.spec.agent);
  for (const flow of defs.flows.values()) {
    check(flow, ["agent"], "agent", flow.spec.agent);
    if (flow.spec.trigger?.type === "after") check(flow, ["trigger", "flow"], "flow", flow.spec.trigger.flow);
  }
  for (const site of actionSites(defs)) {
    check(site.owner, [...site.path, "agent"], "agent", site.fields.agent);
    if (site.type === "skill") check(site.owner, [...site.path, "skill"], "skill", site.fields.skill);
    if (site.type === "flow") check(site.owner, [...site.path, "flow"], "flow", site.fields.flow);
  }
  const manifest = defs.manifest;
  if (manifest) {
    const file = { file: manifest.source.file, source: manifest.source };
    check(undefined, ["defaults", "agent"], "agent", manifest.spec.defaults?.agent, file);
  }
  return out;
};

function exists(defs: Definitions, target: Target, name: string): boolean {
  switch (target) {
    case "agent":
      return defs.agents.has(name);
    case "skill":
      return defs.skills.has(name);
    case "flow":
      return defs.flows.has(name);
    case "mcp-server":
      return defs.mcpServers.has(name);
  }
}

function missingMessage(defs: Definitions, target: Target, name: string): string {
  if (target === "mcp-server" && defs.mcpCatalog.has(name)) {
    return `MCP server "${name}" is in the framework but not enabled: add it to mcp_servers in nexaas.yaml`;
  }
  const where: Record<Target, string> = {
    agent: `agents/${name}/config.yaml or agents/${name}.md`,
    skill: `skills/${name}.md or skills/${name}/SKILL.md`,
    flow: `flows/${name}.yaml`,
    "mcp-server": `mcp-servers/${name}.yaml`,
  };
  return `unknown ${target === "mcp-server" ? "MCP server" : target} "${name}": no ${where[target]} in the workspace or the framework`;
}
