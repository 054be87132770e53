/** How Nexaas reaches an MCP server: `streamable-http` is another name for `http`. */
export type McpTransport = "stdio" | "http" | "sse";

/**
 * The transport of an mcp-servers entry, as Claude Code reads .mcp.json: the
 * `type` when given (`streamable-http` is `http`), else `http` for an entry
 * with a `url` and no `command` (a url-only entry), else `stdio`. Undefined for
 * a `type` Nexaas does not know.
 */
export function mcpTransport(spec: { type?: unknown; url?: unknown; command?: unknown }): McpTransport | undefined {
  switch (spec.type) {
    case undefined:
      return spec.url !== undefined && spec.command === undefined ? "http" : "stdio";
    case "stdio":
    case "http":
    case "sse":
      return spec.type;
    case "streamable-http":
      return "http";
    default:
      return undefined;
  }
}

/** The fields Nexaas reads, whatever the transport. */
const commonFields = ["name", "original_name", "description", "enabled", "type", "tags"];

/** The fields Nexaas reads for each transport; any other field is kept in the file and ignored (validate warns). */
export const mcpServerFields: Record<McpTransport, ReadonlySet<string>> = {
  stdio: new Set([...commonFields, "command", "args", "env", "cwd"]),
  http: new Set([...commonFields, "url", "headers", "headersHelper"]),
  sse: new Set([...commonFields, "url", "headers", "headersHelper"]),
};
