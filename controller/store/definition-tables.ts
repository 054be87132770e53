import type { ObjectKind } from "../definitions/object-state.js";
import type { Dialect } from "./sql/sql.js";

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

/**
 * What follows `ORDER BY name` so that names sort by bytes on both backends:
 * SQLite's BINARY collation does; PostgreSQL's database collation may not, so
 * plans and listings would list the same names in another order.
 */
export function byBytes(sql: { dialect: Dialect }): string {
  return sql.dialect === "postgres" ? ' COLLATE "C"' : "";
}
