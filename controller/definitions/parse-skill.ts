import { type CheckYaml, checkYamlFile } from "./check-yaml-file.js";
import { droppedToolsWarning, mapToolList } from "./claude-code-tools.js";
import type { Diagnostic } from "./diagnostic.js";
import type { Layer, SkillDefinition, SkillFrontMatter } from "./model.js";
import { parseHeadingSkill, splitFrontMatter } from "./parse-markdown.js";
import { scalarSource } from "./parse-yaml.js";
import type { ParsedFile, ValuePath } from "./parsed-file.js";
import type { LayerFile } from "./read-layer-files.js";
import type { SkillFile } from "./schema-types.js";

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

/** The SKILL.md fields Nexaas reads (the Agent Skills core); any other is reported and left out. */
const skillFields: ReadonlySet<string> = new Set(["name", "description", "license", "compatibility", "allowed-tools", "metadata"]);

/**
 * skills/<name>/SKILL.md: Agent Skills front matter, then the instructions.
 * Files written for Claude Code load as they are: its extra fields are
 * reported and left out, scalar metadata reads as text, and its own tools in
 * `allowed-tools` are reported and dropped. None of that is an error.
 */
export function parseFolderSkill(
  f: LayerFile,
  name: string,
  layer: Layer,
  file: string,
  diagnostics: Diagnostic[],
  files: Record<string, string> | undefined,
  check: CheckYaml = checkYamlFile,
): SkillDefinition | undefined {
  const fm = splitFrontMatter(file, f.text);
  diagnostics.push(...fm.diagnostics);
  if (!fm.yaml) return undefined;
  const checked = check(file, fm.yaml.text, "skill", fm.yaml.lineOffset);
  diagnostics.push(...checked.diagnostics);
  if (!checked.parsed) return undefined;
  const source = checked.parsed;
  const spec = source.value;
  const warn = (path: ValuePath, rule: string, message: string, key = false) =>
    diagnostics.push({ file, ...source.at(path, { key }), rule, severity: "warning", message });

  const ignored = Object.keys(spec).filter((k) => !skillFields.has(k));
  const [first] = ignored;
  if (first !== undefined) {
    warn([first], "skill-field-ignored", `fields Nexaas does not use are ignored: ${ignored.join(", ")} (it reads name, description, license, compatibility, allowed-tools and metadata)`, true);
  }
  const frontMatter: SkillFrontMatter = {
    name: spec.name,
    description: spec.description,
    ...(spec.license !== undefined ? { license: spec.license } : {}),
    ...(spec.compatibility !== undefined ? { compatibility: spec.compatibility } : {}),
  };
  const tools = spec["allowed-tools"];
  if (tools !== undefined) {
    const mapped = mapToolList(tools);
    const dropped = droppedToolsWarning("allowed-tools", mapped.dropped);
    if (dropped) warn(dropped.path, "tool-name-ignored", dropped.message);
    if (mapped.kept.length) frontMatter["allowed-tools"] = mapped.kept.map((k) => k.pattern);
  }
  if (spec.metadata) frontMatter.metadata = metadataText(spec, fm.yaml.text);
  return {
    kind: "skill",
    name,
    layer,
    file,
    source,
    format: "agent-skill",
    description: spec.description,
    instructions: fm.body.trim(),
    frontMatter,
    ...(files ? { files } : {}),
  };
}

/** Metadata values as the Agent Skills reference reads them: strings, numbers and booleans as written. */
function metadataText(spec: SkillFile, yaml: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(spec.metadata ?? {})) {
    out[key] = typeof value === "string" ? value : (scalarSource(yaml, ["metadata", key]) ?? String(value));
  }
  return out;
}
