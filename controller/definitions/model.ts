import type { ParsedFile } from "./parsed-file.js";
import type {
  AgentFile,
  ChecksFile,
  EventFile,
  FlowFile,
  FollowupsFile,
  McpServerFile,
  NexaasFile,
  RegistryFile,
  SkillFile,
} from "./schema-types.js";

export type Layer = "framework" | "workspace";

/** The SKILL.md fields Nexaas reads: metadata values as strings, allowed-tools as the Nexaas tool patterns kept from it. */
export type SkillFrontMatter = Pick<SkillFile, "name" | "description" | "license" | "compatibility"> & {
  "allowed-tools"?: string[];
  metadata?: Record<string, string>;
};

/** What every definition carries: its name, where it came from, and positions for diagnostics. */
export interface DefinitionBase {
  name: string;
  layer: Layer;
  /** The file that defines it, relative to the workspace root. */
  file: string;
  /** The parsed file; `at(path)` gives line and column of any field. */
  source: ParsedFile;
}

export interface AgentDefinition extends DefinitionBase {
  kind: "agent";
  /** agents/<name>/config.yaml and prompt.md, or a Claude Code subagent file agents/<name>.md read into the same config. */
  format: "folder" | "claude-code";
  config: AgentFile;
  /** prompt.md, or the body of agents/<name>.md: sent as the system prompt. */
  prompt: string;
  promptFile: string;
}

export interface SkillDefinition extends DefinitionBase {
  kind: "skill";
  format: "markdown" | "agent-skill";
  description: string;
  instructions: string;
  /** A folder skill's front matter as Nexaas reads it (parse-skill.ts): fields it does not use left out. */
  frontMatter?: SkillFrontMatter;
  /** A folder skill's other text files, by path inside the folder (read by agents on demand). */
  files?: Record<string, string>;
}

export interface EventDefinition extends DefinitionBase {
  kind: "event";
  spec: EventFile;
  /** events/<id>.yaml, or a shorthand in memory/ that became this event. */
  origin: "events" | "followups" | "checks";
  /** For shorthands: where the item sits in its file (for positions). */
  itemPath: readonly (string | number)[];
}

export interface FlowDefinition extends DefinitionBase {
  kind: "flow";
  spec: FlowFile;
}

export interface McpServerDefinition extends DefinitionBase {
  kind: "mcp-server";
  spec: McpServerFile;
}

export interface RegistryDefinition extends DefinitionBase {
  kind: "registry";
  spec: RegistryFile;
}

export type Definition =
  | AgentDefinition
  | SkillDefinition
  | EventDefinition
  | FlowDefinition
  | McpServerDefinition
  | RegistryDefinition;

export type DefinitionKind = Definition["kind"];

/** The desired state of a workspace: both layers merged, workspace over framework. */
export interface Definitions {
  manifest?: { spec: NexaasFile; source: ParsedFile };
  agents: Map<string, AgentDefinition>;
  skills: Map<string, SkillDefinition>;
  events: Map<string, EventDefinition>;
  flows: Map<string, FlowDefinition>;
  /** Active MCP servers: the workspace's own, plus framework ones enabled in nexaas.yaml. */
  mcpServers: Map<string, McpServerDefinition>;
  /** Framework MCP servers that exist but are not enabled (for a helpful error). */
  mcpCatalog: Map<string, McpServerDefinition>;
  registries: Map<string, RegistryDefinition>;
}

export type { ChecksFile, FollowupsFile };
