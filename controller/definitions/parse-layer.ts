import type { SchemaKind, SchemaValue } from "./check-schema.js";
import { type CheckYaml, checkYamlFile } from "./check-yaml-file.js";
import type { Diagnostic } from "./diagnostic.js";
import type { AgentDefinition, Definition, EventDefinition, Layer } from "./model.js";
import { checkEvents, followupEvents } from "./memory-shorthands.js";
import { notSubagentFile, parseClaudeAgent } from "./parse-claude-agent.js";
import { parseFolderSkill, parseMarkdownSkill } from "./parse-skill.js";
import type { ParsedFile } from "./parsed-file.js";
import type { LayerFile } from "./read-layer-files.js";
import type { NexaasFile } from "./schema-types.js";

export interface ParsedLayer {
  manifest?: { spec: NexaasFile; source: ParsedFile };
  /** In file order; duplicates are resolved (and reported) when layers merge. */
  definitions: Definition[];
  diagnostics: Diagnostic[];
}

/** The YAML check to use for a file: checkYamlFile itself, or one that remembers results by the file's oid (validate-cache.ts). */
export type CheckYamlFor = (file: LayerFile) => CheckYaml;

/**
 * Parses one layer's files into definitions. A file with a syntax or schema
 * error yields no definition (its diagnostics say why), so later rules only
 * ever see values of the right shape.
 */
export function parseLayer(
  files: readonly LayerFile[],
  layer: Layer,
  display: (path: string) => string,
  checkFor: CheckYamlFor = () => checkYamlFile,
): ParsedLayer {
  const out: ParsedLayer = { definitions: [], diagnostics: [] };
  const prompts = new Map(files.filter((f) => f.role.role === "agent-prompt").map((f) => [f.path, f]));
  const agentDirs = new Set<string>();
  const agentFolders = new Set<string>();
  for (const { role } of files) if (role.role === "agent-config" || role.role === "agent-prompt") agentFolders.add(role.name);
  const skillFiles = new Map<string, Record<string, string>>();
  for (const f of files) {
    if (f.role.role !== "skill-file") continue;
    const own = skillFiles.get(f.role.name) ?? {};
    own[f.role.path] = f.text;
    skillFiles.set(f.role.name, own);
  }

  const yamlOf = <K extends SchemaKind>(f: LayerFile, kind: K): ParsedFile<SchemaValue<K>> | undefined => {
    const result = checkFor(f)(display(f.path), f.text, kind);
    out.diagnostics.push(...result.diagnostics);
    return result.parsed;
  };
  const base = (name: string, f: LayerFile, source: ParsedFile) => ({ name, layer, file: display(f.path), source });

  for (const f of files) {
    const r = f.role;
    switch (r.role) {
      case "manifest": {
        const parsed = yamlOf(f, "nexaas");
        if (parsed) out.manifest = { spec: parsed.value, source: parsed };
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
          format: "folder",
          ...base(r.name, f, parsed),
          config: parsed.value,
          prompt: prompt.text,
          promptFile: display(promptPath),
        };
        out.definitions.push(agent);
        break;
      }
      case "agent-prompt":
        break;
      case "agent-markdown": {
        const notes = notSubagentFile(display(f.path), f.text);
        if (notes) {
          out.diagnostics.push(notes);
          break;
        }
        if (agentFolders.has(r.name)) {
          out.diagnostics.push({
            file: display(f.path),
            line: 1,
            column: 1,
            rule: "duplicate-id",
            severity: "error",
            message: `agent "${r.name}" is defined twice, by ${display(f.path)} and by ${display(`agents/${r.name}/`)}: keep one`,
          });
          break;
        }
        const agent = parseClaudeAgent(f, r.name, layer, display(f.path), out.diagnostics, checkFor(f));
        if (agent) out.definitions.push(agent);
        break;
      }
      case "skill-markdown": {
        const skill = parseMarkdownSkill(f, r.name, layer, display(f.path), out.diagnostics);
        if (skill) out.definitions.push(skill);
        break;
      }
      case "skill-folder": {
        const skill = parseFolderSkill(f, r.name, layer, display(f.path), out.diagnostics, skillFiles.get(r.name), checkFor(f));
        if (skill) out.definitions.push(skill);
        break;
      }
      case "event": {
        const parsed = yamlOf(f, "event");
        if (!parsed) break;
        const spec = parsed.value;
        const event: EventDefinition = { kind: "event", ...base(spec.id ?? r.name, f, parsed), spec, origin: "events", itemPath: [] };
        out.definitions.push(event);
        break;
      }
      case "flow": {
        const parsed = yamlOf(f, "flow");
        if (!parsed) break;
        const spec = parsed.value;
        out.definitions.push({ kind: "flow", ...base(spec.id ?? r.name, f, parsed), spec });
        break;
      }
      case "mcp-server": {
        const parsed = yamlOf(f, "mcp-server");
        if (parsed) out.definitions.push({ kind: "mcp-server", ...base(r.name, f, parsed), spec: parsed.value });
        break;
      }
      case "registry": {
        const parsed = yamlOf(f, "registry");
        if (parsed) out.definitions.push({ kind: "registry", ...base(r.name, f, parsed), spec: parsed.value });
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
