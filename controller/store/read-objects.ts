import { objectDigest } from "../definitions/canonical-json.js";
import { type CurrentObject, objectKinds } from "../definitions/object-state.js";
import { byBytes, type DefinitionRow, definitionTables } from "./definition-tables.js";
import { parseSpec } from "./parse-spec.js";
import type { Sql } from "./sql/sql.js";

/**
 * Every definition in the store, as the planner compares it with a revision.
 * `actualDigest` is recomputed from the row, so an out-of-band edit shows as
 * a digest mismatch (drift) rather than going unnoticed.
 */
export async function readObjects(sql: Sql): Promise<CurrentObject[]> {
  const out: CurrentObject[] = [];
  for (const kind of objectKinds) {
    const rows = await sql.all<DefinitionRow>(`SELECT name, layer, revision, digest, file, spec FROM ${definitionTables[kind]} ORDER BY name${byBytes(sql)}`);
    for (const row of rows) {
      const spec = parseSpec(row.spec);
      out.push({
        kind,
        name: row.name,
        layer: row.layer,
        file: row.file,
        spec,
        digest: row.digest,
        revision: row.revision,
        actualDigest: objectDigest(row.layer, spec),
      });
    }
  }
  return out;
}
