import { checkSchema, label, matchesSchema } from "./check-schema.js";
import { type CheckYaml, checkYamlFile } from "./check-yaml-file.js";
import { droppedToolsWarning, mapToolList, serverOfPattern, toolListEntries } from "./claude-code-tools.js";
import type { Diagnostic } from "./diagnostic.js";
import type { AgentDefinition, Layer } from "./model.js";
import { resolveModelAlias } from "./model-aliases.js";
import { hasFrontMatter, splitFrontMatter } from "./parse-markdown.js";
import type { ParsedFile, ValuePath } from "./parsed-file.js";
import type { LayerFile } from "./read-layer-files.js";
import type { AgentFile, ClaudeAgentFile } from "./schema-types.js";

/** The front-matter fields that map onto an agent's config; any other is reported and ignored. */
const mappedFields: ReadonlySet<string> = new Set(["name", "description", "tools", "disallowedTools", "model", "maxTurns", "skills", "mcpServers"]);

/**
 * agents/<name>.md, a Claude Code subagent file, read into the same agent
 * config as agents/<name>/config.yaml, so it is validated, planned and stored
 * like any agent. The Markdown after the front matter is the system prompt.
 * What maps (README "Bringing Claude Code files"): tools -> tools.allow, and
 * the MCP servers its mcp__ entries name -> mcp_servers; disallowedTools ->
 * tools.deny; model through the alias table; maxTurns -> max_turns; skills;
 * mcpServers given by name. Claude Code's own tools and other fields are
 * reported (warnings) and dropped.
 */
export function parseClaudeAgent(
  f: LayerFile,
  name: string,
  layer: Layer,
  file: string,
  diagnostics: Diagnostic[],
  check: CheckYaml = checkYamlFile,
): AgentDefinition | undefined {
  const fm = splitFrontMatter(file, f.text, "agent-format");
  diagnostics.push(...fm.diagnostics);
  if (!fm.yaml) return undefined;
  const checked = check(file, fm.yaml.text, "claude-agent", fm.yaml.lineOffset);
  diagnostics.push(...checked.diagnostics);
  if (!checked.parsed) return undefined;
  const front = checked.parsed;
  const warn = (path: ValuePath, rule: string, message: string, key = false) =>
    diagnostics.push({ file, ...front.at(path, { key }), rule, severity: "warning", message });

  const { config, origins } = agentConfig(front.value, warn);
  // Positions of the config's fields are those of the front-matter entries they came from.
  const source: ParsedFile<AgentFile> = {
    file,
    value: config,
    at: (path, options) => {
      const origin = origins.get(label(path)) ?? origins.get(label(path.slice(0, 1)));
      return front.at(origin ?? [], origin ? options : undefined);
    },
  };
  if (!matchesSchema("agent", config)) {
    diagnostics.push(...checkSchema("agent", source));
    return undefined;
  }
  const prompt = fm.body.replace(/^(\s*\n)+/, "").trimEnd();
  if (prompt === "") {
    diagnostics.push({
      file,
      line: fm.yaml.lineOffset + fm.yaml.text.split("\n").length + 1,
      column: 1,
      rule: "missing-prompt",
      severity: "error",
      message: `agent "${name}" needs a prompt: the Markdown after the front matter of ${file} is the agent's system prompt`,
    });
    return undefined;
  }
  return { kind: "agent", format: "claude-code", name, layer, file, source, config, prompt: `${prompt}\n`, promptFile: file };
}

/**
 * Notes kept beside the agents (agents/README.md, agents/helper-notes.md) are
 * not subagent files, which always open with front matter: reported, not read.
 */
export function notSubagentFile(file: string, text: string): Diagnostic | undefined {
  if (hasFrontMatter(text)) return undefined;
  const message = "ignored: not a Claude Code subagent file, which opens with front matter (---, name and description, ---) before the prompt";
  return { file, line: 1, column: 1, rule: "unknown-file", severity: "warning", message };
}

type Warn = (path: ValuePath, rule: string, message: string, key?: boolean) => void;

/** The agent config a subagent's front matter means, and for each config path the front-matter path it came from. */
function agentConfig(spec: ClaudeAgentFile, warn: Warn): { config: AgentFile; origins: Map<string, ValuePath> } {
  const origins = new Map<string, ValuePath>();
  const config: AgentFile = { ...(spec.name !== undefined ? { name: spec.name } : {}), description: spec.description };
  origins.set("name", ["name"]);
  origins.set("description", ["description"]);
  const ignored = Object.keys(spec).filter((k) => !mappedFields.has(k));
  const [first] = ignored;
  if (first !== undefined) {
    warn([first], "agent-field-ignored", `fields Nexaas does not use are ignored: ${ignored.join(", ")} (for limits and other settings, write agents/<name>/config.yaml instead)`, true);
  }

  const servers: string[] = [];
  const addServer = (server: string, from: ValuePath) => {
    if (servers.includes(server)) return;
    origins.set(`mcp_servers[${servers.length}]`, from);
    servers.push(server);
  };
  const tools: NonNullable<AgentFile["tools"]> = {};
  for (const [field, list] of [["tools", "allow"], ["disallowedTools", "deny"]] as const) {
    const value = spec[field];
    if (value === undefined) continue;
    const mapped = mapToolList(value);
    const at = (index: number | undefined): ValuePath => (index === undefined ? [field] : [field, index]);
    const dropped = droppedToolsWarning(field, mapped.dropped);
    if (dropped) warn(dropped.path, "tool-name-ignored", dropped.message);
    tools[list] = mapped.kept.map((k, i) => {
      origins.set(`tools.${list}[${i}]`, at(k.entry.index));
      // Claude Code offers a listed MCP tool; in Nexaas an agent uses only the servers it names.
      const server = list === "allow" ? serverOfPattern(k.pattern) : undefined;
      if (server !== undefined) addServer(server, at(k.entry.index));
      return k.pattern;
    });
    origins.set(`tools.${list}`, [field]);
  }
  if (tools.allow || tools.deny) {
    config.tools = tools;
    origins.set("tools", spec.tools !== undefined ? ["tools"] : ["disallowedTools"]);
  }
  spec.mcpServers?.forEach((server, i) => {
    if (typeof server === "string") addServer(server, ["mcpServers", i]);
    else warn(["mcpServers", i], "agent-field-ignored", "mcpServers: an inline server definition is ignored: write it as mcp-servers/<name>.json and list its name here");
  });
  if (servers.length) {
    config.mcp_servers = servers;
    origins.set("mcp_servers", origins.get("mcp_servers[0]") ?? []);
  }

  if (spec.model !== undefined) {
    const model = resolveModelAlias(spec.model);
    if (model !== undefined) config.model = model;
    origins.set("model", ["model"]);
  }
  if (spec.maxTurns !== undefined) {
    config.max_turns = spec.maxTurns;
    origins.set("max_turns", ["maxTurns"]);
  }
  if (spec.skills !== undefined) {
    const skills = toolListEntries(spec.skills);
    config.skills = skills.map((s, i) => {
      origins.set(`skills[${i}]`, s.index === undefined ? ["skills"] : ["skills", s.index]);
      return s.name;
    });
    origins.set("skills", ["skills"]);
  }
  return { config, origins };
}
