import type { Database } from "better-sqlite3";
import { parseDuration } from "../definitions/duration.js";
import type { Condition, EventFile } from "../definitions/schema-types.js";
import { enqueueRun } from "../queue/enqueue-run.js";
import { advanceEvent, dueEvents, hasActiveRun } from "../store/due-events.js";
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
 * on, all in one transaction: the events due at one time cost one commit, so
 * the last of them is not queued (and claimed) later than the first. The run's
 * key is (event, slot), so a second scheduler, a restart or a clock stepping
 * back finds the slot taken and fires nothing twice.
 */
export function fireDueEvents(db: Database, now: Date): Fired[] {
  return db.transaction(fireAll)(db, now);
}

function fireAll(db: Database, now: Date): Fired[] {
  const fired: Fired[] = [];
  const zone = workspaceTimezone(db);
  for (const event of dueEvents(db, now)) {
    db.transaction(() => {
      const spec = event.spec as unknown as EventFile;
      const policy = spec.policy ?? {};
      const expires = policy.expires_at ? new Date(policy.expires_at) : undefined;
      const { slots, next } = slotsToFire({
        condition: spec.condition as Condition,
        due: new Date(event.next_fire_at),
        now,
        timezone: (spec.condition.type === "cron" ? spec.condition.timezone : undefined) ?? zone,
        catchup: policy.catchup ?? "once",
        catchupWindowMs: windowMs(policy),
        ...(expires ? { expiresAt: expires } : {}),
      });
      const overlap = policy.overlap ?? "skip";
      let last: Date | null = null;
      for (const slot of slots) {
        // skip: a due run while the last is still waiting or running is dropped.
        if (overlap === "skip" && hasActiveRun(db, event.name)) continue;
        const queued = enqueueRun(
          db,
          {
            eventId: event.name,
            scheduledFor: slot.at,
            trigger: slot.trigger,
            runAt: now,
            priority: policy.priority ?? 5,
            maxAttempts: (policy.retries ?? 2) + 1,
            // queue: runs of one event wait for each other; allow: they may overlap.
            concurrencyKey: policy.concurrency_key ?? (overlap === "queue" ? `event:${event.name}` : null),
          },
          now,
        );
        if (queued) {
          fired.push({ eventId: event.name, scheduledFor: slot.at, trigger: slot.trigger, runId: queued.runId });
          last = slot.at;
        }
      }
      advanceEvent(db, event.name, next, last, now);
    })();
  }
  return fired;
}

export const tickMs = (env: NodeJS.ProcessEnv): number => (parseDuration(Number(env.ENGINE_TICK_SECONDS ?? 30)) ?? 30_000);
