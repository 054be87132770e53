import type { Database } from "better-sqlite3";
import { canonicalJson } from "../definitions/canonical-json.js";
import type { ObjectKind, ObjectState } from "../definitions/object-state.js";
import { definitionTables } from "./definition-tables.js";
import { prepared } from "./prepared.js";
import { isoTime } from "./time.js";

type PlainKind = Exclude<ObjectKind, "event">;

/**
 * Only the shared definition columns are written. Columns queries need from a
 * spec (agents.model) are generated from `spec` by SQLite (migration 000001),
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
export function upsertObject(db: Database, obj: ObjectState, revision: string, now: Date): void {
  if (obj.kind === "event") throw new Error("upsertObject: events keep runtime state; use insertEvent or updateEventDefinition");
  prepared(db, upsertSqls[obj.kind]).run({
    name: obj.name,
    layer: obj.layer,
    revision,
    digest: obj.digest,
    file: obj.file,
    spec: canonicalJson(obj.spec),
    updated_at: isoTime(now),
  });
}

/** Removes one definition that has no runtime state; events go through deleteEvent. */
export function deleteObject(db: Database, kind: ObjectKind, name: string): void {
  if (kind === "event") throw new Error("deleteObject: use deleteEvent (and cancelQueuedJobs) for events");
  prepared(db, `DELETE FROM ${definitionTables[kind]} WHERE name = ?`).run(name);
}
