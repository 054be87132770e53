import type { DefinitionSpecs } from "../../definitions/definition-specs.js";
import { mcpTransport } from "../../definitions/mcp-transport.js";
import { leavesWorkspace } from "../../definitions/rules/workspace-paths.js";
import { McpServerError } from "./mcp-server-error.js";

/** An mcp-servers/<name> entry as stored: validated against schemas/mcp-server.schema.json. */
export type McpServerSpec = DefinitionSpecs["mcp_server"];

/** A server ready to connect: every `${NAME}` resolved. */
export type ServerParams =
  | { name: string; type: "stdio"; command: string; args: string[]; env: Record<string, string>; cwd?: string }
  | { name: string; type: "http" | "sse"; url: URL; headers: Record<string, string>; headersHelper?: string };

/**
 * The entry's connection settings with `${NAME}` resolved in each of them
 * (command, args, env values, url, header values), as Claude Code does for
 * .mcp.json. `cwd` (relative to the workspace) and `headersHelper` are taken as
 * written. A missing variable throws from `resolve`, untouched. The schema
 * has checked the shape already; what is checked here again is only what the
 * generated type cannot say (it is an open record).
 */
export function serverParams(spec: McpServerSpec, name: string, resolve: (text: string) => string): ServerParams {
  const type = mcpTransport(spec);
  if (type === "stdio") {
    const command = spec.command;
    if (typeof command !== "string" || command === "") throw new McpServerError(name, "a stdio server needs a `command`");
    const cwd = spec.cwd;
    if (cwd !== undefined && (typeof cwd !== "string" || cwd.includes("${") || leavesWorkspace(cwd))) {
      throw new McpServerError(name, "`cwd` must be a literal path inside the workspace");
    }
    const args = stringList(spec.args, name, "args").map(resolve);
    return { name, type, command: resolve(command), args, env: resolveMap(spec.env, name, "env", resolve), ...(cwd === undefined ? {} : { cwd }) };
  }
  if (type === undefined) throw new McpServerError(name, `unknown type ${JSON.stringify(spec.type)} (stdio, http, streamable-http or sse)`);
  if (typeof spec.url !== "string") throw new McpServerError(name, `an ${type} server needs a \`url\``);
  const text = resolve(spec.url);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new McpServerError(name, "`url` is not a URL once its variables are resolved");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new McpServerError(name, `\`url\` must be http or https, not ${url.protocol}`);
  const helper = spec.headersHelper;
  if (helper !== undefined && (typeof helper !== "string" || helper === "")) throw new McpServerError(name, "`headersHelper` must be a command");
  return { name, type, url, headers: resolveMap(spec.headers, name, "headers", resolve), ...(helper === undefined ? {} : { headersHelper: helper }) };
}

function stringList(value: unknown, server: string, field: string): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value) && value.every((v): v is string => typeof v === "string")) return value;
  throw new McpServerError(server, `\`${field}\` must be a list of strings`);
}

function resolveMap(value: unknown, server: string, field: string, resolve: (text: string) => string): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new McpServerError(server, `\`${field}\` must map names to strings`);
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== "string") throw new McpServerError(server, `\`${field}.${key}\` must be a string`);
    out[key] = resolve(v);
  }
  return out;
}
