import type { Database } from "better-sqlite3";
import { objectDigest } from "../definitions/canonical-json.js";
import { type CurrentObject, objectKinds } from "../definitions/object-state.js";
import { type DefinitionRow, definitionTables } from "./definition-tables.js";
import { prepared } from "./prepared.js";
import { parseSpec } from "./parse-spec.js";

/**
 * Every definition in the store, as the planner compares it with a revision.
 * `actualDigest` is recomputed from the row, so an out-of-band edit shows as
 * a digest mismatch (drift) rather than going unnoticed.
 */
export function readObjects(db: Database): CurrentObject[] {
  const out: CurrentObject[] = [];
  for (const kind of objectKinds) {
    const sql = `SELECT name, layer, revision, digest, file, spec FROM ${definitionTables[kind]} ORDER BY name`;
    for (const row of prepared<[], DefinitionRow>(db, sql).all()) {
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
