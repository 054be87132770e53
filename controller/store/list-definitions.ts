import type { Database } from "better-sqlite3";
import type { DefinitionSpecs } from "../definitions/definition-specs.js";
import { byBytes, type DefinitionRow, definitionTables } from "./definition-tables.js";
import { decodeSpec } from "./decode-spec.js";
import { prepared } from "./prepared.js";
import type { Sql } from "./sql/sql.js";
import { isSql } from "./sql/sqlite-sql.js";

export interface DefinitionRecord<K extends keyof DefinitionSpecs> {
  name: string;
  layer: DefinitionRow["layer"];
  file: string;
  revision: string;
  spec: DefinitionSpecs[K];
}

type Row = Omit<DefinitionRow, "digest">;

/**
 * The applied definitions of one kind, by name (or the one named), typed by kind; a row mangled out of band is left out.
 * Given a better-sqlite3 connection it still answers at once: the API calls it so until its slice of issue 16 moves it to Sql.
 */
export function listDefinitions<K extends keyof DefinitionSpecs>(sql: Sql, kind: K, name?: string): Promise<DefinitionRecord<K>[]>;
export function listDefinitions<K extends keyof DefinitionSpecs>(db: Database, kind: K, name?: string): DefinitionRecord<K>[];
export function listDefinitions<K extends keyof DefinitionSpecs>(
  store: Sql | Database,
  kind: K,
  name?: string,
): Promise<DefinitionRecord<K>[]> | DefinitionRecord<K>[] {
  const params = { name: name ?? null };
  if (isSql(store)) return store.all<Row>(listSql(kind, byBytes(store)), params).then((rows) => records(kind, rows));
  return records(kind, prepared<{ name: string | null }, Row>(store, listSql(kind, "")).all(params));
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
