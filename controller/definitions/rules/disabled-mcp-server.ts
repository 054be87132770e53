import type { Diagnostic } from "../diagnostic.js";
import { finding, type Rule } from "./rule.js";

/**
 * An agent may name a server with `enabled: false`: it runs without that
 * server's tools, which is worth a warning (it may be a server switched off for
 * a while, or a mistake), not an error.
 */
export const disabledMcpServer: Rule = ({ defs }) => {
  const out: Diagnostic[] = [];
  for (const agent of defs.agents.values()) {
    agent.config.mcp_servers?.forEach((name, i) => {
      const server = defs.mcpServers.get(name);
      if (server?.spec.enabled !== false) return;
      out.push(
        finding(agent, ["mcp_servers", i], "disabled-mcp-server", `MCP server "${name}" is disabled (enabled: false in ${server.file}): this agent runs without its tools`, "warning"),
      );
    });
  }
  return out;
};
