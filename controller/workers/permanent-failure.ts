import { egressCodes } from "./egress.js";
import { ExecutionError } from "./executor.js";

/**
 * Failures that the same attempt again would meet again: a missing key, secret or
 * definition, a refused destination, an agent's loop that stopped at a limit or a refusal
 * (it would stop the same way, and spend again), an MCP server that cannot start. Neither
 * the job nor a flow's step retries them.
 */
const permanentCodes = new Set<string>([
  ...["no-api-key", "missing-secret", "invalid-action", "unsupported", "budget", "no-agent", "unknown-agent", "no-model", "unknown-skill", "unknown-flow", "bad-cwd"],
  ...["max_turns", "max_tool_calls", "refusal", "mcp-server"],
  ...egressCodes,
]);

export function isPermanentFailure(error: unknown): error is ExecutionError {
  return error instanceof ExecutionError && permanentCodes.has(error.code);
}
