import { createHash } from "node:crypto";
import { canonicalJson } from "../definitions/canonical-json.js";
import type { ObjectState } from "../definitions/object-state.js";
import type { Sql } from "./sql/sql.js";
import { isoTime } from "./time.js";

/**
 * sha256 of the canonical condition. The applier compares it with the stored
 * one: only a changed condition earns a fresh next fire time; any other edit
 * (prompt, policy, description) keeps the event's place in its schedule.
 */
export function conditionDigest(spec: Record<string, unknown>): string {
  return createHash("sha256").update(canonicalJson(spec.condition ?? null)).digest("hex");
}

/**
 * The definition columns: everything a revision decides; runtime columns are the
 * scheduler's. agent, condition_type, enabled and origin are not among them:
 * the database generates them from `spec` (migration 000001 on both), so they cannot disagree with it.
 */
function definitionColumns(obj: ObjectState, revision: string, now: Date) {
  return {
    name: obj.name,
    layer: obj.layer,
    revision,
    digest: obj.digest,
    file: obj.file,
    spec: canonicalJson(obj.spec),
    condition_digest: conditionDigest(obj.spec),
    updated_at: isoTime(now),
  };
}

const insertSql = `
  INSERT INTO events (name, layer, revision, digest, file, spec, condition_digest, next_fire_at, created_at, updated_at)
  VALUES (@name, @layer, @revision, @digest, @file, @spec, @condition_digest, @next_fire_at, @updated_at, @updated_at)`;

const setDefinition = `layer = @layer, revision = @revision, digest = @digest, file = @file, spec = @spec,
  condition_digest = @condition_digest, updated_at = @updated_at`;
const updateKeepingScheduleSql = `UPDATE events SET ${setDefinition} WHERE name = @name`;
const updateWithScheduleSql = `UPDATE events SET ${setDefinition}, next_fire_at = @next_fire_at WHERE name = @name`;

/** A new event, with its first fire time (null: it never fires by schedule, e.g. a webhook). */
export function insertEvent(sql: Sql, obj: ObjectState, revision: string, now: Date, nextFireAt: Date | null): Promise<void> {
  const params = { ...definitionColumns(obj, revision, now), next_fire_at: nextFireAt ? isoTime(nextFireAt) : null };
  return sql.run(insertSql, params).then(() => undefined);
}

/**
 * Rewrites an event's definition. Its runtime state survives: failures, pause
 * and last run always; the next fire time too unless the condition changed,
 * when `nextFireAt` replaces it (a new schedule starts from now).
 */
export async function updateEventDefinition(
  sql: Sql,
  obj: ObjectState,
  revision: string,
  now: Date,
  conditionChanged: boolean,
  nextFireAt: Date | null,
): Promise<void> {
  const columns = definitionColumns(obj, revision, now);
  if (conditionChanged) await sql.run(updateWithScheduleSql, { ...columns, next_fire_at: nextFireAt ? isoTime(nextFireAt) : null });
  else await sql.run(updateKeepingScheduleSql, columns);
}

/** Removes an event's definition. Its runs stay as history; cancel its queued jobs first (cancelQueuedJobs). */
export async function deleteEvent(sql: Sql, name: string): Promise<void> {
  await sql.run("DELETE FROM events WHERE name = ?", [name]);
}
