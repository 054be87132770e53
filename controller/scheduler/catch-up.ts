import { parseDuration } from "../definitions/duration.js";
import { type Condition, policyDefaults } from "../definitions/schema-types.js";
import { nextFireTime } from "../definitions/next-fire-time.js";

export interface Slot {
  at: Date;
  trigger: "schedule" | "catchup";
}

/** A slot this much behind `now` counts as missed (the controller was down), not merely late. */
export const missedAfterMs = 60_000;
/** Bounds the walk over missed slots (a 1s interval down for a week). */
const maxMissedSlots = 10_000;

export interface SlotsInput {
  condition: Condition;
  /** The stored next fire time, now due. */
  due: Date;
  now: Date;
  timezone: string;
  catchup: "skip" | "once" | "all";
  catchupWindowMs: number;
  /** policy.expires_at: no slot at or after it fires. */
  expiresAt?: Date;
}

/**
 * Which slots of a due event fire now, and the next fire time after them.
 * Pure. A slot late by less than `missedAfterMs` fires as scheduled; older
 * ones were missed while the controller was down and follow `catchup`
 * (skip: none; once: the latest; all: every one), only inside the window.
 */
export function slotsToFire(input: SlotsInput): { slots: Slot[]; next: Date | null } {
  const { now } = input;
  const all: Date[] = [];
  let at: Date | null = input.due;
  while (at && at.getTime() <= now.getTime() && all.length < maxMissedSlots) {
    all.push(at);
    at = nextFireTime(input.condition, at, input.timezone);
  }
  const live = (d: Date) => !input.expiresAt || d.getTime() < input.expiresAt.getTime();
  const onTime = all.filter((d) => now.getTime() - d.getTime() < missedAfterMs && live(d));
  const missed = all.filter((d) => now.getTime() - d.getTime() >= missedAfterMs && now.getTime() - d.getTime() <= input.catchupWindowMs && live(d));
  const caught = input.catchup === "all" ? missed : input.catchup === "once" ? missed.slice(-1) : [];
  const slots: Slot[] = [...caught.map((d) => ({ at: d, trigger: "catchup" as const })), ...onTime.map((d) => ({ at: d, trigger: "schedule" as const }))];
  // A once event is done after its slot; an interval keeps counting from its slots, not from now.
  // After a very long outage the walk stops early: count on from now.
  const from = all.length >= maxMissedSlots ? now : (all.at(-1) ?? now);
  const next = input.condition.type === "once" ? null : nextFireTime(input.condition, from, input.timezone);
  return { slots, next: next && live(next) ? next : null };
}

export function windowMs(policy: { catchup_window: string | number }): number {
  // Validation accepted the duration; the schema's default stands in for a row mangled out of band.
  return parseDuration(policy.catchup_window) ?? parseDuration(policyDefaults.catchup_window) ?? 0;
}
