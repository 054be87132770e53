import { concurrencyKeyOf, type ResolvedEvent } from "../definitions/resolved-event.js";
import { hasActiveRun } from "../store/due-events.js";
import type { Sql } from "../store/sql/sql.js";
import { insertRunAndJob, type RunTrigger } from "./enqueue-run.js";
import { immediate } from "./immediate.js";

export interface RunRequest {
  /** The event as applied, every default resolved. */
  event: { name: string; spec: ResolvedEvent; revision?: string | null };
  trigger: RunTrigger;
  /** The slot (schedule, catch-up) or the time the run was asked for. */
  scheduledFor: Date;
  /** The trigger payload: a webhook's body, `trigger --payload`, a finished flow's payload. */
  payload?: unknown;
  /** `nexaas trigger --force`: run even when `overlap: skip` would drop it. */
  force?: boolean;
}

export type QueueDecision = { queued: { runId: number; jobId: number } } | { skipped: string };

/**
 * How a run of an event is queued, whoever asks: the scheduler (a due slot or
 * a catch-up), a webhook, `nexaas trigger`, or a flow's `after`. The policy
 * alone decides priority, attempts, the concurrency key and what `overlap`
 * does with a run while another is waiting or running:
 *   skip   the new run is dropped (unless forced), with the reason;
 *   queue  it waits for the running one (a concurrency key of its own);
 *   allow  both run.
 * A `concurrency_key` serialises runs across events whatever `overlap` says.
 * One fenced transaction, and the decision holds the event's lock
 * (`event:<name>`), so two triggers at once (or two controllers on
 * PostgreSQL) cannot both see "no run".
 */
export function queueRun(sql: Sql, request: RunRequest, now: Date): Promise<QueueDecision> {
  return immediate(sql, (tx) => decideRun(tx, request, now));
}

/** queueRun's decision, for a caller already inside a fenced transaction (the scheduler's firing). */
export async function decideRun(tx: Sql, request: RunRequest, now: Date): Promise<QueueDecision> {
  const { name, spec } = request.event;
  const policy = spec.policy;
  if (policy.overlap === "skip" && !request.force) {
    // Read, then insert: on SQLite the IMMEDIATE transaction already excludes every other
    // writer; on PostgreSQL the event's lock does, until this transaction ends.
    await tx.lock(`event:${name}`);
    if (await hasActiveRun(tx, name)) return { skipped: `a run of ${name} is still queued or running (overlap: skip)` };
  }
  const queued = await insertRunAndJob(
    tx,
    {
      eventId: name,
      scheduledFor: request.scheduledFor,
      trigger: request.trigger,
      runAt: now,
      priority: policy.priority,
      maxAttempts: policy.retries + 1,
      concurrencyKey: concurrencyKeyOf(name, policy),
      payload: request.payload ?? null,
      revision: request.event.revision ?? null,
    },
    now,
  );
  return queued ? { queued } : { skipped: `the slot ${request.scheduledFor.toISOString()} of ${name} was already queued` };
}
