import type { DefinitionSpecs } from "../definitions/definition-specs.js";
import { definitionTables } from "./definition-tables.js";
import { decodeSpec } from "./decode-spec.js";
import type { Sql } from "./sql/sql.js";

/**
 * One applied definition, by kind and name, typed by its kind (what an executor
 * needs at run time: the agent's prompt and model, a skill, a flow, a registry;
 * an event with every default resolved). Undefined when it is not (or no longer)
 * applied, or its row was mangled out of band.
 */
export async function readDefinition<K extends keyof DefinitionSpecs>(sql: Sql, kind: K, name: string): Promise<DefinitionSpecs[K] | undefined> {
  const row = await sql.get<{ spec: string }>(`SELECT spec FROM ${definitionTables[kind]} WHERE name = ?`, [name]);
  return row ? decodeSpec(kind, row.spec) : undefined;
}
