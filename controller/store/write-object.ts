import { canonicalJson } from "../definitions/canonical-json.js";
import type { ObjectKind, ObjectState } from "../definitions/object-state.js";
import { definitionTables } from "./definition-tables.js";
import type { Sql } from "./sql/sql.js";
import { isoTime } from "./time.js";

type PlainKind = Exclude<ObjectKind, "event">;

/**
 * Only the shared definition columns are written. Columns queries need from a
 * spec (agents.model) are generated from `spec` by the database (migration 000001 on both),
 * so they cannot disagree with it, and writing them would be an error.
 */
const upsertSql = (table: string): string =>
  `INSERT INTO ${table} (name, layer, revision, digest, file, spec, updated_at)
   VALUES (@name, @layer, @revision, @digest, @file, @spec, @updated_at)
   ON CONFLICT (name) DO UPDATE SET layer = excluded.layer, revision = excluded.revision, digest = excluded.digest,
     file = excluded.file, spec = excluded.spec, updated_at = excluded.updated_at`;

/** Built once: a reconcile upserts thousands of rows, and the text is the prepared-statement cache key. */
const upsertSqls: Record<PlainKind, string> = {
  workspace: upsertSql(definitionTables.workspace),
  agent: upsertSql(definitionTables.agent),
  skill: upsertSql(definitionTables.skill),
  mcp_server: upsertSql(definitionTables.mcp_server),
  registry: upsertSql(definitionTables.registry),
  flow: upsertSql(definitionTables.flow),
};

/** Creates or replaces one definition that has no runtime state (every kind but events). */
export function upsertObject(sql: Sql, obj: ObjectState, revision: string, now: Date): Promise<void> {
  if (obj.kind === "event") throw new Error("upsertObject: events keep runtime state; use insertEvent or updateEventDefinition");
  const text = upsertSqls[obj.kind];
  const params = {
    name: obj.name,
    layer: obj.layer,
    revision,
    digest: obj.digest,
    file: obj.file,
    spec: canonicalJson(obj.spec),
    updated_at: isoTime(now),
  };
  return sql.run(text, params).then(() => undefined);
}

/** Removes one definition that has no runtime state; events go through deleteEvent. */
export async function deleteObject(sql: Sql, kind: ObjectKind, name: string): Promise<void> {
  if (kind === "event") throw new Error("deleteObject: use deleteEvent (and cancelQueuedJobs) for events");
  await sql.run(`DELETE FROM ${definitionTables[kind]} WHERE name = ?`, [name]);
}
