import type { ObjectKind } from "../definitions/object-state.js";

/** Where each kind of definition lives. Events have runtime columns too (write-event.ts). */
export const definitionTables = {
  workspace: "workspace_settings",
  agent: "agents",
  skill: "skills",
  mcp_server: "mcp_servers",
  registry: "registries",
  flow: "flows",
  event: "events",
} as const satisfies Record<ObjectKind, string>;

/** The columns every definition table shares. */
export interface DefinitionRow {
  name: string;
  layer: "framework" | "workspace";
  revision: string;
  digest: string;
  file: string;
  spec: string;
}
