import type { Database } from "better-sqlite3";
import type { DefinitionSpecs } from "../definitions/definition-specs.js";
import { type DefinitionRow, definitionTables } from "./definition-tables.js";
import { decodeSpec } from "./decode-spec.js";
import { prepared } from "./prepared.js";

export interface DefinitionRecord<K extends keyof DefinitionSpecs> {
  name: string;
  layer: DefinitionRow["layer"];
  file: string;
  revision: string;
  spec: DefinitionSpecs[K];
}

/** The applied definitions of one kind, by name (or the one named), typed by kind; a row mangled out of band is left out. */
export function listDefinitions<K extends keyof DefinitionSpecs>(db: Database, kind: K, name?: string): DefinitionRecord<K>[] {
  const rows = prepared<{ name: string | null }, Omit<DefinitionRow, "digest">>(
    db,
    `SELECT name, layer, revision, file, spec FROM ${definitionTables[kind]} WHERE (@name IS NULL OR name = @name) ORDER BY name`,
  ).all({ name: name ?? null });
  const out: DefinitionRecord<K>[] = [];
  for (const row of rows) {
    const spec = decodeSpec(kind, row.spec);
    if (spec) out.push({ name: row.name, layer: row.layer, file: row.file, revision: row.revision, spec });
  }
  return out;
}
