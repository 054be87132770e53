import type { ValuePath } from "./parsed-file.js";

/**
 * Tool lists written for Claude Code (a skill's `allowed-tools`, a subagent's
 * `tools` and `disallowedTools`) read as Nexaas tool patterns. Claude Code's
 * own tools (Read, Bash, ...) name nothing Nexaas offers: they are reported
 * and dropped, never an error, so a file brought over as it is still loads.
 */

/** Claude Code's built-in tools, as its docs name them; `Bash(git:*)` and the like are forms of these. */
export const claudeCodeTools: ReadonlySet<string> = new Set([
  "Agent", "Bash", "BashOutput", "Edit", "ExitPlanMode", "Glob", "Grep", "KillShell", "LS", "MultiEdit",
  "NotebookEdit", "NotebookRead", "Read", "SlashCommand", "Skill", "Task", "TodoRead", "TodoWrite",
  "WebFetch", "WebSearch", "Write",
]);

/** One entry of a tool list and where it sits: its index in a YAML list, or none when the list is one string. */
export interface ToolListEntry {
  name: string;
  index?: number;
}

/**
 * The entries of a tool list written as a YAML list, or as one string
 * separated by commas or spaces. A space inside parentheses belongs to the
 * entry (`Bash(git diff *)`).
 */
export function toolListEntries(value: string | readonly string[]): ToolListEntry[] {
  if (typeof value !== "string") return value.map((name, index) => ({ name: name.trim(), index })).filter((e) => e.name !== "");
  const names: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of value) {
    if (char === "(") depth++;
    else if (char === ")") depth = Math.max(0, depth - 1);
    if (depth === 0 && (char === "," || /\s/.test(char))) {
      if (current !== "") names.push(current);
      current = "";
    } else current += char;
  }
  if (current !== "") names.push(current);
  return names.map((name) => ({ name }));
}

export interface MappedToolList {
  /** Nexaas tool names and patterns, in order, each once, with the entry it came from. */
  kept: { pattern: string; entry: ToolListEntry }[];
  /** Entries that name nothing Nexaas offers: Claude Code's own tools, and anything else not shaped like a Nexaas tool. */
  dropped: { entry: ToolListEntry; claudeCode: boolean }[];
}

const patternChars = /^[A-Za-z0-9_*-]+$/;

/**
 * Keeps what names Nexaas tools: `mcp__<server>__<tool>` (globs allowed) and
 * `nexaas__...`. Claude Code's `mcp__<server>` (every tool of a server) becomes
 * `mcp__<server>__*`, the same meaning in Nexaas's pattern syntax.
 */
export function mapToolList(value: string | readonly string[]): MappedToolList {
  const out: MappedToolList = { kept: [], dropped: [] };
  const seen = new Set<string>();
  for (const entry of toolListEntries(value)) {
    const pattern = nexaasPattern(entry.name);
    if (pattern === undefined) {
      out.dropped.push({ entry, claudeCode: claudeCodeTools.has(entry.name.replace(/\(.*$/s, "")) });
    } else if (!seen.has(pattern)) {
      seen.add(pattern);
      out.kept.push({ pattern, entry });
    }
  }
  return out;
}

function nexaasPattern(name: string): string | undefined {
  if (!patternChars.test(name)) return undefined;
  if (name.startsWith("nexaas__") && name.length > "nexaas__".length) return name;
  if (!name.startsWith("mcp__")) return undefined;
  const rest = name.slice("mcp__".length);
  if (rest === "" || rest.startsWith("_")) return undefined;
  return rest.includes("__") ? name : `${name}__*`;
}

/** The MCP server a kept pattern names, when it names exactly one (`mcp__*__read` names none). */
export function serverOfPattern(pattern: string): string | undefined {
  if (!pattern.startsWith("mcp__")) return undefined;
  const server = pattern.slice("mcp__".length).split("__")[0] ?? "";
  return server === "" || server.includes("*") ? undefined : server;
}

/** What a tool list dropped, as a warning at the first dropped entry (or the field, for a string); undefined when none was. */
export function droppedToolsWarning(field: string, dropped: MappedToolList["dropped"]): { path: ValuePath; message: string } | undefined {
  const [first] = dropped;
  if (first === undefined) return undefined;
  const claude = dropped.filter((d) => d.claudeCode).map((d) => d.entry.name);
  const other = dropped.filter((d) => !d.claudeCode).map((d) => d.entry.name);
  const parts = [
    ...(claude.length ? [`Claude Code's own tools name nothing Nexaas offers (${claude.join(", ")})`] : []),
    ...(other.length ? [`not Nexaas tool names, which are mcp__<server>__<tool> or nexaas__... (${other.join(", ")})`] : []),
  ];
  const path = first.entry.index === undefined ? [field] : [field, first.entry.index];
  return { path, message: `${field}: dropped: ${parts.join("; ")}` };
}
