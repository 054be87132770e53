import { parseDuration } from "../definitions/duration.js";
import { immediate } from "../queue/immediate.js";
import { decideRun } from "../queue/queue-run.js";
import { advanceEvent, dueEvents } from "../store/due-events.js";
import type { Sql } from "../store/sql/sql.js";
import { workspaceTimezone } from "../store/workspace-timezone.js";
import { type Slot, slotsToFire, windowMs } from "./catch-up.js";

export interface Fired {
  eventId: string;
  scheduledFor: Date;
  trigger: Slot["trigger"];
  runId: number;
}

/**
 * Turns every due slot into a queued run and moves the event's next fire time
 * on, all in one fenced transaction (IMMEDIATE on SQLite): the events due at one time cost
 * one commit, so the last of them is not queued (and claimed) later than the
 * first. The run's key is (event, slot), so a second scheduler, a restart or a
 * clock stepping back finds the slot taken and fires nothing twice. An error
 * rolls back the whole firing; the next wake tries again.
 */
export function fireDueEvents(sql: Sql, now: Date): Promise<Fired[]> {
  return immediate(sql, (tx) => fireAll(tx, now));
}

async function fireAll(tx: Sql, now: Date): Promise<Fired[]> {
  const fired: Fired[] = [];
  const zone = await workspaceTimezone(tx);
  for (const event of await dueEvents(tx, now)) {
    const { condition, policy } = event.spec;
    // An `after` trigger is never due by time; such a row has no next fire time to clear.
    if (condition.type === "after") {
      await advanceEvent(tx, event.name, null, null, now);
      continue;
    }
    const expires = policy.expires_at ? new Date(policy.expires_at) : undefined;
    const { slots, next } = slotsToFire({
      condition,
      due: new Date(event.next_fire_at),
      now,
      timezone: (condition.type === "cron" ? condition.timezone : undefined) ?? zone,
      catchup: policy.catchup,
      catchupWindowMs: windowMs(policy),
      ...(expires ? { expiresAt: expires } : {}),
    });
    let last: Date | null = null;
    for (const slot of slots) {
      const decision = await decideRun(tx, { event, trigger: slot.trigger, scheduledFor: slot.at }, now);
      if ("queued" in decision) {
        fired.push({ eventId: event.name, scheduledFor: slot.at, trigger: slot.trigger, runId: decision.queued.runId });
        last = slot.at;
      }
    }
    await advanceEvent(tx, event.name, next, last, now);
  }
  return fired;
}

export const tickMs = (env: NodeJS.ProcessEnv): number => (parseDuration(Number(env.ENGINE_TICK_SECONDS ?? 30)) ?? 30_000);
