import type { Diagnostic } from "./diagnostic.js";
import type { Layer, SkillDefinition } from "./model.js";
import { parseHeadingSkill } from "./parse-markdown.js";
import type { ParsedFile } from "./parsed-file.js";
import type { LayerFile } from "./read-layer-files.js";

/** skills/<name>.md: `# name`, a one-line description, then the instructions. */
export function parseMarkdownSkill(
  f: LayerFile,
  name: string,
  layer: Layer,
  file: string,
  diagnostics: Diagnostic[],
): SkillDefinition | undefined {
  const parsed = parseHeadingSkill(f.text);
  const problem = (line: number, rule: string, message: string) =>
    diagnostics.push({ file, line, column: 1, rule, severity: "error", message });
  if (!parsed.name) {
    problem(1, "skill-format", `a skill file starts with "# ${name}" (its name), then a one-line description`);
    return undefined;
  }
  if (!parsed.description) {
    problem(parsed.name.line, "skill-format", "the line after the heading must describe the skill in one sentence");
    return undefined;
  }
  const { name: heading, description } = parsed;
  const source: ParsedFile = {
    file,
    value: { name: heading.text, description: description.text },
    at: (path) => ({ line: path[0] === "description" ? description.line : heading.line, column: path[0] === "name" ? 3 : 1 }),
  };
  return {
    kind: "skill",
    name,
    layer,
    file,
    source,
    format: "markdown",
    description: description.text,
    instructions: parsed.instructions,
  };
}
