import type { DefinitionSpecs } from "../definitions/definition-specs.js";
import { byBytes, type DefinitionRow, definitionTables } from "./definition-tables.js";
import { decodeSpec } from "./decode-spec.js";
import type { Sql } from "./sql/sql.js";

export interface DefinitionRecord<K extends keyof DefinitionSpecs> {
  name: string;
  layer: DefinitionRow["layer"];
  file: string;
  revision: string;
  spec: DefinitionSpecs[K];
}

type Row = Omit<DefinitionRow, "digest">;

/** The applied definitions of one kind, by name (or the one named), typed by kind; a row mangled out of band is left out. */
export async function listDefinitions<K extends keyof DefinitionSpecs>(sql: Sql, kind: K, name?: string): Promise<DefinitionRecord<K>[]> {
  return records(kind, await sql.all<Row>(listSql(kind, byBytes(sql)), { name: name ?? null }));
}

// The CAST tells PostgreSQL the parameter's type, which `@name IS NULL` alone does not.
const listSql = (kind: keyof DefinitionSpecs, order: string) =>
  `SELECT name, layer, revision, file, spec FROM ${definitionTables[kind]} WHERE (CAST(@name AS TEXT) IS NULL OR name = @name) ORDER BY name${order}`;

function records<K extends keyof DefinitionSpecs>(kind: K, rows: readonly Row[]): DefinitionRecord<K>[] {
  const out: DefinitionRecord<K>[] = [];
  for (const row of rows) {
    const spec = decodeSpec(kind, row.spec);
    if (spec) out.push({ name: row.name, layer: row.layer, file: row.file, revision: row.revision, spec });
  }
  return out;
}
