/**
 * An agent's attempt that cannot go on, with a stable code the worker maps to
 * its own error (and so to retry or not). The message is fit for a run record.
 */
export class AgentError extends Error {
  constructor(
    message: string,
    /** "no-agent", "unknown-agent", "no-model", "unknown-skill", "mcp-server", or a stop reason that fails a run. */
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "AgentError";
  }
}
