import type { ResolvedEvent } from "./resolved-event.js";
import type { SkillFrontMatter } from "./model.js";
import type { AgentFile, FlowFile, McpServerFile, NexaasFile, RegistryFile } from "./schema-types.js";

/**
 * What the store keeps of each kind of definition, once applied: the file as
 * validated, plus what the loader read beside it (an agent's prompt, a skill's
 * text), and for events every default resolved. The planner compares these,
 * the applier writes them, and typed store reads hand them back.
 */
export interface DefinitionSpecs {
  /** nexaas.yaml without `identity`, which never leaves the workspace. */
  workspace: Omit<NexaasFile, "identity">;
  agent: AgentFile & { prompt: string };
  skill: { format: "markdown" | "agent-skill"; description: string; instructions: string; front_matter?: SkillFrontMatter; files?: Record<string, string> };
  mcp_server: McpServerFile;
  registry: RegistryFile;
  flow: FlowFile;
  event: ResolvedEvent;
}

export type DefinitionKindName = keyof DefinitionSpecs;
