import type { Database } from "better-sqlite3";
import type { DefinitionSpecs } from "../definitions/definition-specs.js";
import { definitionTables } from "./definition-tables.js";
import { decodeSpec } from "./decode-spec.js";
import { prepared } from "./prepared.js";
import type { Sql } from "./sql/sql.js";
import { isSql } from "./sql/sqlite-sql.js";

/**
 * One applied definition, by kind and name, typed by its kind (what an executor
 * needs at run time: the agent's prompt and model, a skill, a flow, a registry;
 * an event with every default resolved). Undefined when it is not (or no longer)
 * applied, or its row was mangled out of band.
 *
 * Given a better-sqlite3 connection it still answers at once: the queue, the
 * workers and the API call it so until their slice of issue 16 moves them to Sql.
 */
export function readDefinition<K extends keyof DefinitionSpecs>(sql: Sql, kind: K, name: string): Promise<DefinitionSpecs[K] | undefined>;
export function readDefinition<K extends keyof DefinitionSpecs>(db: Database, kind: K, name: string): DefinitionSpecs[K] | undefined;
export function readDefinition<K extends keyof DefinitionSpecs>(
  store: Sql | Database,
  kind: K,
  name: string,
): Promise<DefinitionSpecs[K] | undefined> | DefinitionSpecs[K] | undefined {
  const text = `SELECT spec FROM ${definitionTables[kind]} WHERE name = ?`;
  const decode = (row: { spec: string } | undefined) => (row ? decodeSpec(kind, row.spec) : undefined);
  if (isSql(store)) return store.get<{ spec: string }>(text, [name]).then(decode);
  return decode(prepared<[string], { spec: string }>(store, text).get(name));
}
