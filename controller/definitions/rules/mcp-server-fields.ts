import type { Diagnostic } from "../diagnostic.js";
import { badReference } from "../env-reference.js";
import { isRecord } from "../is-record.js";
import { mcpServerFields, mcpTransport } from "../mcp-transport.js";
import type { McpServerDefinition } from "../model.js";
import { finding, type Rule } from "./rule.js";
import { leavesWorkspace } from "./workspace-paths.js";

/** What to use instead of another client's field, where Nexaas has an equivalent. */
const instead: Record<string, string> = {
  alwaysAllow: "the agent's tools.allow and tools.deny decide which tools are offered",
  autoApprove: "the agent's tools.allow and tools.deny decide which tools are offered",
  disabledTools: "deny them in the agent's tools.deny (mcp__<server>__<tool>)",
  disabled: "write enabled: false to disable the server",
  timeout: "tool calls time out after the agent's tool_timeout",
  timeout_ms: "tool calls time out after the agent's tool_timeout",
};

/**
 * An MCP server entry as Nexaas reads it: fields of other clients, or of the
 * other transport, are kept but ignored (a warning each); `cwd` stays inside the
 * workspace; every `${...}` is `${NAME}` or `${NAME:-default}`.
 */
export const mcpServerChecks: Rule = ({ defs }) => {
  const out: Diagnostic[] = [];
  for (const server of defs.mcpServers.values()) out.push(...ignoredFields(server), ...cwdProblems(server), ...referenceProblems(server));
  return out;
};

function ignoredFields(server: McpServerDefinition): Diagnostic[] {
  const transport = mcpTransport(server.spec);
  if (transport === undefined) return [];
  const used = mcpServerFields[transport];
  return Object.keys(server.spec)
    .filter((field) => !used.has(field))
    .map((field) => {
      const other = (["stdio", "http"] as const).find((t) => t !== transport && mcpServerFields[t].has(field));
      const why = other ? `it applies to ${other} servers, and this one is ${transport}` : (instead[field] ?? "it is another client's setting");
      return finding(server, [field], "mcp-ignored-field", `"${field}" is kept but Nexaas ignores it: ${why}`, "warning", { key: true });
    });
}

function cwdProblems(server: McpServerDefinition): Diagnostic[] {
  const cwd = server.spec.cwd;
  if (typeof cwd !== "string") return [];
  if (cwd.includes("${")) return [finding(server, ["cwd"], "path-escape", `cwd "${cwd}": environment references are not allowed in cwd, which must be a literal path inside the workspace`)];
  if (leavesWorkspace(cwd)) return [finding(server, ["cwd"], "path-escape", `cwd "${cwd}" leaves the workspace; use a path relative to the workspace root, inside it`)];
  return [];
}

/** The fields whose `${NAME}` are resolved at connect time. */
function referenceProblems(server: McpServerDefinition): Diagnostic[] {
  const out: Diagnostic[] = [];
  const check = (path: (string | number)[], text: unknown) => {
    const bad = typeof text === "string" ? badReference(text) : undefined;
    if (bad) out.push(finding(server, path, "secret-reference", `${bad} is not an environment reference: write \${NAME} or \${NAME:-default}; it would be sent as literal text`));
  };
  const { command, args, env, url, headers } = server.spec;
  check(["command"], command);
  check(["url"], url);
  if (Array.isArray(args)) args.forEach((a, i) => check(["args", i], a));
  for (const [field, map] of [["env", env], ["headers", headers]] as const) {
    if (isRecord(map)) for (const [key, value] of Object.entries(map)) check([field, key], value);
  }
  return out;
}
