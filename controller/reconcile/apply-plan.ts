import { nextFireTime } from "../definitions/next-fire-time.js";
import { cancelQueuedJobs } from "../store/cancel-queued-jobs.js";
import { readEventRuntime } from "../store/read-event-runtime.js";
import type { Sql } from "../store/sql/sql.js";
import { recordApplied } from "../store/sync-status.js";
import { conditionDigest, deleteEvent, insertEvent, updateEventDefinition } from "../store/write-event.js";
import { deleteObject, upsertObject } from "../store/write-object.js";
import { type ObjectState, objectKey } from "../definitions/object-state.js";
import { isCondition, type Plan } from "./plan.js";

export interface ApplyInput {
  plan: Plan;
  /** The desired objects the plan was made from (changes name them by kind and name). */
  desired: readonly ObjectState[];
  revision: string;
  /** What makes a later revision a no-op: the workspace tree and the framework's digest. */
  key: string;
  now: Date;
}

export interface ApplyResult {
  created: number;
  updated: number;
  deleted: number;
  /** Queued jobs of deleted events that were cancelled. */
  cancelledJobs: number;
}

/**
 * The only writer of definitions: applies a plan in one transaction (a
 * savepoint inside the caller's, as reconcile's), so a revision is live whole
 * or not at all. Unchanged objects are not touched; an event keeps its runtime
 * state unless its condition changed.
 */
export async function applyPlan(sql: Sql, input: ApplyInput): Promise<ApplyResult> {
  const desired = new Map(input.desired.map((o) => [objectKey(o), o]));
  const settings = input.desired.find((o) => o.kind === "workspace");
  const defaultTimezone = typeof settings?.spec.timezone === "string" ? settings.spec.timezone : "UTC";
  const result: ApplyResult = { created: 0, updated: 0, deleted: 0, cancelledJobs: 0 };

  await sql.transaction(async (tx) => {
    for (const change of input.plan.changes) {
      if (change.op === "delete") {
        if (change.kind === "event") {
          result.cancelledJobs += await cancelQueuedJobs(tx, change.name, input.now);
          await deleteEvent(tx, change.name);
        } else await deleteObject(tx, change.kind, change.name);
        result.deleted++;
        continue;
      }
      const object = desired.get(objectKey(change));
      if (!object) throw new Error(`plan names ${objectKey(change)}, which the desired state does not hold`);
      if (object.kind !== "event") {
        await upsertObject(tx, object, input.revision, input.now);
      } else if (change.op === "create") {
        await insertEvent(tx, object, input.revision, input.now, firstFire(object, input.now, defaultTimezone));
      } else {
        const stored = await readEventRuntime(tx, object.name);
        // A new schedule starts from now: a changed condition, or an event switched back
        // on (its old next fire time went stale while it was off), as the plan shows.
        const reenabled = object.spec.enabled !== false && change.fields.some((f) => f.path === "enabled");
        const scheduleChanged = stored?.condition_digest !== conditionDigest(object.spec) || reenabled;
        await updateEventDefinition(tx, object, input.revision, input.now, scheduleChanged, scheduleChanged ? firstFire(object, input.now, defaultTimezone) : null);
      }
      if (change.op === "create") result.created++;
      else result.updated++;
    }
    await recordApplied(tx, { revision: input.revision, key: input.key, at: input.now, drift: input.plan.drift });
  });
  return result;
}

/** A new or changed condition fires next from now: no slot skipped, none fired twice. A flow's `after` never fires by the clock. */
function firstFire(event: ObjectState, now: Date, defaultTimezone: string): Date | null {
  const condition = event.spec.condition;
  return isCondition(condition) ? nextFireTime(condition, now, defaultTimezone) : null;
}
