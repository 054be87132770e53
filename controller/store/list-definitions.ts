import type { Database } from "better-sqlite3";
import type { ObjectKind } from "../reconcile/object-state.js";
import { type DefinitionRow, definitionTables } from "./definition-tables.js";
import { prepared } from "./prepared.js";
import { parseSpec } from "./parse-spec.js";

export interface DefinitionRecord {
  name: string;
  layer: DefinitionRow["layer"];
  file: string;
  revision: string;
  spec: Record<string, unknown>;
}

/** The applied definitions of one kind, by name (or the one named); a spec that is not an object reads as empty. */
export function listDefinitions(db: Database, kind: ObjectKind, name?: string): DefinitionRecord[] {
  const rows = prepared(db, `SELECT name, layer, revision, file, spec FROM ${definitionTables[kind]} WHERE (@name IS NULL OR name = @name) ORDER BY name`).all({
    name: name ?? null,
  }) as Omit<DefinitionRow, "digest">[];
  return rows.map((row) => ({ name: row.name, layer: row.layer, file: row.file, revision: row.revision, spec: parseSpec(row.spec) }));
}
