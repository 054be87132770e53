/**
 * An MCP server of the agent could not be used: it did not start, did not
 * initialize, or did not list its tools. A configuration error (the run fails
 * without retry); the message names the server and says why.
 */
export class McpServerError extends Error {
  readonly code = "mcp-server";

  constructor(
    readonly server: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`MCP server "${server}": ${reason}`, options);
    this.name = "McpServerError";
  }
}
