import type { Database } from "better-sqlite3";
import { canonicalJson } from "../reconcile/canonical-json.js";
import type { ObjectKind, ObjectState } from "../reconcile/object-state.js";
import { definitionTables } from "./definition-tables.js";
import { prepared } from "./prepared.js";
import { isoTime } from "./time.js";

type PlainKind = Exclude<ObjectKind, "event">;

const upsertSql = (table: string, extra: readonly string[]): string => {
  const columns = ["name", "layer", "revision", "digest", "file", "spec", ...extra, "updated_at"];
  return (
    `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map((c) => "@" + c).join(", ")}) ` +
    `ON CONFLICT (name) DO UPDATE SET ${columns
      .filter((c) => c !== "name")
      .map((c) => `${c} = excluded.${c}`)
      .join(", ")}`
  );
};

/** Per kind: its upsert, and any columns pulled out of the spec for queries. */
const writers: Record<PlainKind, { sql: string; extra?: (spec: Record<string, unknown>) => Record<string, unknown> }> = {
  workspace: { sql: upsertSql(definitionTables.workspace, []) },
  agent: {
    sql: upsertSql(definitionTables.agent, ["model"]),
    extra: (spec) => ({ model: typeof spec.model === "string" ? spec.model : null }),
  },
  skill: { sql: upsertSql(definitionTables.skill, []) },
  mcp_server: { sql: upsertSql(definitionTables.mcp_server, []) },
  registry: { sql: upsertSql(definitionTables.registry, []) },
  flow: { sql: upsertSql(definitionTables.flow, []) },
};

/** Creates or replaces one definition that has no runtime state (every kind but events). */
export function upsertObject(db: Database, obj: ObjectState, revision: string, now: Date): void {
  if (obj.kind === "event") throw new Error("upsertObject: events keep runtime state; use insertEvent or updateEventDefinition");
  const writer = writers[obj.kind];
  prepared(db, writer.sql).run({
    name: obj.name,
    layer: obj.layer,
    revision,
    digest: obj.digest,
    file: obj.file,
    spec: canonicalJson(obj.spec),
    updated_at: isoTime(now),
    ...writer.extra?.(obj.spec),
  });
}

/** Removes one definition that has no runtime state; events go through deleteEvent. */
export function deleteObject(db: Database, kind: ObjectKind, name: string): void {
  if (kind === "event") throw new Error("deleteObject: use deleteEvent (and cancelQueuedJobs) for events");
  prepared(db, `DELETE FROM ${definitionTables[kind]} WHERE name = ?`).run(name);
}
