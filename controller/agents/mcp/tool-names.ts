/** The Messages API's limit on a tool name. */
export const maxToolNameLength = 64;

/** `mcp__<server>__<tool>` (Claude Code's convention), characters outside [a-zA-Z0-9_-] as `_`, cut to 64. */
export function mcpToolName(server: string, tool: string): string {
  return `mcp__${sanitize(server)}__${sanitize(tool)}`.slice(0, maxToolNameLength);
}

const sanitize = (part: string): string => part.replace(/[^a-zA-Z0-9_-]/g, "_");

/**
 * Names for the tools of every server, in order, each unique: a name already
 * taken (two tools equal once sanitized or cut) gets `_2`, `_3`... within the
 * 64 characters. The order is the servers' order then each server's list, so a
 * run and its retry give the model the same names.
 */
export function uniqueToolNames(tools: ReadonlyArray<{ server: string; tool: string }>): string[] {
  const taken = new Set<string>();
  return tools.map(({ server, tool }) => {
    const base = mcpToolName(server, tool);
    let name = base;
    for (let n = 2; taken.has(name); n++) {
      const suffix = `_${n}`;
      name = base.slice(0, maxToolNameLength - suffix.length) + suffix;
    }
    taken.add(name);
    return name;
  });
}
