import { maxToolNameLength, mcpToolName } from "../../definitions/tool-names.js";

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
