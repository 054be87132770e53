import { checkSchema } from "./check-schema.js";
import type { Diagnostic } from "./diagnostic.js";
import type {
  AgentDefinition,
  Definition,
  EventDefinition,
  FlowDefinition,
  Layer,
  McpServerDefinition,
  RegistryDefinition,
  SkillDefinition,
} from "./model.js";
import { parseFrontMatter, parseHeadingSkill } from "./parse-markdown.js";
import { parseYaml } from "./parse-yaml.js";
import type { ParsedFile } from "./parsed-file.js";
import type { LayerFile } from "./read-layer-files.js";
import type { AgentFile, ChecksFile, EventFile, FollowupsFile, NexaasFile, SkillFile } from "./schema-types.js";

export interface ParsedLayer {
  manifest?: { spec: NexaasFile; source: ParsedFile };
  /** In file order; duplicates are resolved (and reported) when layers merge. */
  definitions: Definition[];
  diagnostics: Diagnostic[];
}

/**
 * Parses one layer's files into definitions. A file with a syntax or schema
 * error yields no definition (its diagnostics say why), so later rules only
 * ever see values of the right shape.
 */
export function parseLayer(files: readonly LayerFile[], layer: Layer, display: (path: string) => string): ParsedLayer {
  const out: ParsedLayer = { definitions: [], diagnostics: [] };
  const prompts = new Map(files.filter((f) => f.role.role === "agent-prompt").map((f) => [f.path, f]));
  const agentDirs = new Set<string>();

  const yamlOf = (f: LayerFile, kind: Parameters<typeof checkSchema>[0]): ParsedFile | undefined => {
    const { parsed, diagnostics } = parseYaml(display(f.path), f.text);
    out.diagnostics.push(...diagnostics);
    if (!parsed) return undefined;
    const errors = checkSchema(kind, parsed);
    out.diagnostics.push(...errors);
    return errors.length === 0 ? parsed : undefined;
  };
  const base = (name: string, f: LayerFile, source: ParsedFile) => ({ name, layer, file: display(f.path), source });

  for (const f of files) {
    const r = f.role;
    switch (r.role) {
      case "manifest": {
        const parsed = yamlOf(f, "nexaas");
        if (parsed) out.manifest = { spec: parsed.value as NexaasFile, source: parsed };
        break;
      }
      case "agent-config": {
        agentDirs.add(r.name);
        const parsed = yamlOf(f, "agent");
        if (!parsed) break;
        const promptPath = `agents/${r.name}/prompt.md`;
        const prompt = prompts.get(promptPath);
        if (!prompt || prompt.text.trim() === "") {
          out.diagnostics.push({
            file: display(f.path),
            line: 1,
            column: 1,
            rule: "missing-prompt",
            severity: "error",
            message: `agent "${r.name}" needs a non-empty ${promptPath}: it is the agent's system prompt`,
          });
          break;
        }
        const agent: AgentDefinition = {
          kind: "agent",
          ...base(r.name, f, parsed),
          config: parsed.value as AgentFile,
          prompt: prompt.text,
          promptFile: display(promptPath),
        };
        out.definitions.push(agent);
        break;
      }
      case "agent-prompt":
        break;
      case "skill-markdown": {
        const skill = parseMarkdownSkill(f, r.name, layer, display, out.diagnostics);
        if (skill) out.definitions.push(skill);
        break;
      }
      case "skill-folder": {
        const fm = parseFrontMatter(display(f.path), f.text);
        out.diagnostics.push(...fm.diagnostics);
        if (!fm.frontMatter) break;
        const errors = checkSchema("skill", fm.frontMatter);
        out.diagnostics.push(...errors);
        if (errors.length > 0) break;
        const spec = fm.frontMatter.value as SkillFile;
        const skill: SkillDefinition = {
          kind: "skill",
          ...base(r.name, f, fm.frontMatter),
          format: "agent-skill",
          description: spec.description,
          instructions: fm.body.trim(),
          frontMatter: spec,
        };
        out.definitions.push(skill);
        break;
      }
      case "event": {
        const parsed = yamlOf(f, "event");
        if (!parsed) break;
        const spec = parsed.value as EventFile;
        const event: EventDefinition = { kind: "event", ...base(spec.id ?? r.name, f, parsed), spec, origin: "events", itemPath: [] };
        out.definitions.push(event);
        break;
      }
      case "flow": {
        const parsed = yamlOf(f, "flow");
        if (!parsed) break;
        const spec = parsed.value as FlowDefinition["spec"];
        out.definitions.push({ kind: "flow", ...base(spec.id ?? r.name, f, parsed), spec });
        break;
      }
      case "mcp-server": {
        const parsed = yamlOf(f, "mcp-server");
        if (!parsed) break;
        const spec = parsed.value as McpServerDefinition["spec"];
        out.definitions.push({ kind: "mcp-server", ...base(r.name, f, parsed), spec });
        break;
      }
      case "registry": {
        const parsed = yamlOf(f, "registry");
        if (!parsed) break;
        const spec = parsed.value as RegistryDefinition["spec"];
        out.definitions.push({ kind: "registry", ...base(r.name, f, parsed), spec });
        break;
      }
      case "followups": {
        const parsed = yamlOf(f, "followups");
        if (parsed) out.definitions.push(...followupEvents(parsed, layer));
        break;
      }
      case "checks": {
        const parsed = yamlOf(f, "checks");
        if (parsed) out.definitions.push(...checkEvents(parsed, layer, out.diagnostics));
        break;
      }
      case "stray":
        break;
    }
  }
  for (const path of prompts.keys()) {
    const name = path.split("/")[1] ?? "";
    if (!agentDirs.has(name)) {
      out.diagnostics.push({
        file: display(path),
        line: 1,
        column: 1,
        rule: "missing-config",
        severity: "error",
        message: `agents/${name}/ has a prompt.md but no config.yaml`,
      });
    }
  }
  return out;
}

function parseMarkdownSkill(
  f: LayerFile,
  name: string,
  layer: Layer,
  display: (path: string) => string,
  diagnostics: Diagnostic[],
): SkillDefinition | undefined {
  const file = display(f.path);
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
  const source: ParsedFile = {
    file,
    value: { name: parsed.name.text, description: parsed.description.text },
    at: (path) => ({ line: path[0] === "description" ? parsed.description!.line : parsed.name!.line, column: path[0] === "name" ? 3 : 1 }),
  };
  return {
    kind: "skill",
    name,
    layer,
    file,
    source,
    format: "markdown",
    description: parsed.description.text,
    instructions: parsed.instructions,
  };
}

function followupEvents(parsed: ParsedFile, layer: Layer): EventDefinition[] {
  const spec = parsed.value as FollowupsFile;
  return spec.followups.map((item, i) => ({
    kind: "event",
    name: item.id,
    layer,
    file: parsed.file,
    source: parsed,
    origin: "followups",
    itemPath: ["followups", i],
    spec: {
      id: item.id,
      description: item.description ?? `Followup: ${item.prompt.slice(0, 60)}`,
      enabled: item.enabled ?? true,
      ...(item.agent ? { agent: item.agent } : {}),
      condition: { type: "once", expr: item.due },
      action: { type: "claude_chat", prompt: item.prompt },
    },
  }));
}

function checkEvents(parsed: ParsedFile, layer: Layer, diagnostics: Diagnostic[]): EventDefinition[] {
  const spec = parsed.value as ChecksFile;
  const events: EventDefinition[] = [];
  spec.checks.forEach((item, i) => {
    if ((item.prompt === undefined) === (item.skill === undefined)) {
      diagnostics.push({
        file: parsed.file,
        ...parsed.at(["checks", i]),
        rule: "action-fields",
        severity: "error",
        message: `checks[${i}]: give exactly one of "prompt" or "skill"`,
      });
      return;
    }
    events.push({
      kind: "event",
      name: item.id,
      layer,
      file: parsed.file,
      source: parsed,
      origin: "checks",
      itemPath: ["checks", i],
      spec: {
        id: item.id,
        description: item.description ?? `Check ${item.id}`,
        enabled: item.enabled ?? true,
        ...(item.agent ? { agent: item.agent } : {}),
        condition: { type: "interval", expr: item.interval },
        action: item.skill !== undefined ? { type: "skill", skill: item.skill } : { type: "claude_chat", prompt: item.prompt ?? "" },
      },
    });
  });
  return events;
}
