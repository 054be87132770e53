import type { Diagnostic } from "./diagnostic.js";

export interface FrontMatterResult {
  /** The YAML between the --- lines, and the 0-based line it starts after (for positions). */
  yaml?: { text: string; lineOffset: number };
  /** The Markdown after the front matter. */
  body: string;
  diagnostics: Diagnostic[];
}

/** Whether a Markdown file opens with front matter (a first line `---`). */
export const hasFrontMatter = (text: string): boolean => /^---[ \t]*\r?(\n|$)/.test(text);

/**
 * Splits `---\n<yaml>\n---\n<body>` (Agent Skills SKILL.md, Claude Code
 * subagent files); the YAML is parsed by the caller. `rule` names the format
 * in diagnostics.
 */
export function splitFrontMatter(file: string, text: string, rule = "skill-format"): FrontMatterResult {
  const lines = text.split(/\r?\n/);
  const problem = (message: string): Diagnostic[] => [{ file, line: 1, column: 1, rule, severity: "error", message }];
  if (lines[0]?.trim() !== "---") {
    return { body: text, diagnostics: problem("SKILL.md must start with YAML front matter between --- lines (name, description)") };
  }
  const end = lines.findIndex((l, i) => i > 0 && l.trim() === "---");
  if (end < 0) return { body: "", diagnostics: problem("front matter is not closed by a --- line") };
  return { yaml: { text: lines.slice(1, end).join("\n"), lineOffset: 1 }, body: lines.slice(end + 1).join("\n"), diagnostics: [] };
}

export interface HeadingSkill {
  /** The first `# Heading`, and its line. */
  name?: { text: string; line: number };
  /** The first line after it that is neither blank nor a heading. */
  description?: { text: string; line: number };
  instructions: string;
}

/** Reads the simple skill format: `# name`, a description line, then instructions. */
export function parseHeadingSkill(text: string): HeadingSkill {
  const lines = text.split(/\r?\n/);
  const result: HeadingSkill = { instructions: "" };
  let i = 0;
  for (; i < lines.length; i++) {
    const m = /^#\s+(.+?)\s*#*\s*$/.exec(lines[i] ?? "");
    if (m?.[1]) {
      result.name = { text: m[1], line: i + 1 };
      break;
    }
  }
  for (i++; i < lines.length; i++) {
    const line = (lines[i] ?? "").trim();
    if (line === "" || line.startsWith("#")) continue;
    result.description = { text: line, line: i + 1 };
    break;
  }
  result.instructions = lines.slice(i + 1).join("\n").trim();
  return result;
}
