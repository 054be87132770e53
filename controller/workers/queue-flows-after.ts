import { flowEventName } from "../definitions/resolved-event.js";
import { queueRun } from "../queue/queue-run.js";
import { flowsAfter } from "../store/flows-after.js";
import { readEvent } from "../store/read-event.js";
import type { Sql } from "../store/sql/sql.js";

/**
 * A run of flow `flow` ended for good: queue the flows that follow it
 * (`trigger: {type: after, flow, on}`) when the outcome matches, through the
 * one queuing decision, so their policy (overlap, concurrency key) holds as for
 * any other trigger. Returns the names queued and the ones the policy skipped.
 */
export async function queueFlowsAfter(sql: Sql, flow: string, success: boolean, now: Date, payload: unknown): Promise<{ queued: string[]; skipped: { flow: string; reason: string }[] }> {
  const queued: string[] = [];
  const skipped: { flow: string; reason: string }[] = [];
  for (const next of await flowsAfter(sql, flow)) {
    if (next.on === "success" ? !success : next.on === "failure" ? success : false) continue;
    const event = await readEvent(sql, flowEventName(next.name));
    if (!event) continue;
    const decision = await queueRun(sql, { event, trigger: "flow", scheduledFor: now, payload }, now);
    if ("queued" in decision) queued.push(next.name);
    else skipped.push({ flow: next.name, reason: decision.skipped });
  }
  return { queued, skipped };
}
