import type { Database } from "better-sqlite3";
import type { DefinitionSpecs } from "../definitions/definition-specs.js";
import { definitionTables } from "./definition-tables.js";
import { decodeSpec } from "./decode-spec.js";
import { prepared } from "./prepared.js";

/**
 * One applied definition, by kind and name, typed by its kind (what an executor
 * needs at run time: the agent's prompt and model, a skill, a flow, a registry;
 * an event with every default resolved). Undefined when it is not (or no longer)
 * applied, or its row was mangled out of band.
 */
export function readDefinition<K extends keyof DefinitionSpecs>(db: Database, kind: K, name: string): DefinitionSpecs[K] | undefined {
  const row = prepared<[string], { spec: string }>(db, `SELECT spec FROM ${definitionTables[kind]} WHERE name = ?`).get(name);
  return row ? decodeSpec(kind, row.spec) : undefined;
}
