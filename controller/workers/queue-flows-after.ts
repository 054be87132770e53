import type { Database } from "better-sqlite3";
import { enqueueRun } from "../queue/enqueue-run.js";
import { flowEventName } from "../reconcile/desired-state.js";
import { flowsAfter } from "../store/flows-after.js";
import { readDefinition } from "../store/read-definition.js";

/**
 * A run of flow `flow` ended for good: queue the flows that follow it
 * (`trigger: {type: after, flow, on}`) when the outcome matches.
 * Returns the names queued.
 */
export function queueFlowsAfter(db: Database, flow: string, success: boolean, now: Date, payload: unknown): string[] {
  const queued: string[] = [];
  for (const next of flowsAfter(db, flow)) {
    if (next.on === "success" ? !success : next.on === "failure" ? success : false) continue;
    const eventId = flowEventName(next.name);
    const spec = readDefinition(db, "event", eventId) as { policy?: { priority?: number; retries?: number } } | undefined;
    if (!spec) continue;
    const run = enqueueRun(
      db,
      { eventId, scheduledFor: now, trigger: "flow", runAt: now, priority: spec.policy?.priority ?? 5, maxAttempts: (spec.policy?.retries ?? 2) + 1, payload },
      now,
    );
    if (run) queued.push(next.name);
  }
  return queued;
}
