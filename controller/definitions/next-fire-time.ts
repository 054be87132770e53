import type { CronExpression } from "cron-parser";
import { parseCronExpression } from "./cron-expression.js";
import { parseDuration } from "./duration.js";
import type { AfterAnotherFlow, Condition } from "./schema-types.js";
import { isTimeZone } from "./time-zone.js";

/**
 * When a condition fires next, strictly after `after`. Pure: the caller passes
 * the time, so the scheduler and the planner share it and tests need no clock.
 * Webhooks never fire on their own: null.
 *
 * Throws on a condition that validation would have rejected (bad cron, time
 * zone, duration or date; a bad cron as a CronExpressionError naming the field): a schedule is parsed when it is planned, never
 * silently skipped at fire time.
 */
export function nextFireTime(condition: Condition | AfterAnotherFlow, after: Date, defaultTimezone: string): Date | null {
  return nextFireTimes(condition, after, defaultTimezone, 1)[0] ?? null;
}

/** The next `count` fire times after `after`, in order (fewer for `once` and webhooks). */
export function nextFireTimes(condition: Condition | AfterAnotherFlow, after: Date, defaultTimezone: string, count: number): Date[] {
  if (count <= 0) return [];
  switch (condition.type) {
    case "cron":
      return cronTimes(condition.expr, condition.timezone ?? defaultTimezone, after, count);
    case "interval": {
      const ms = parseDuration(condition.expr);
      if (ms === undefined) throw new Error(`invalid interval ${JSON.stringify(condition.expr)}`);
      return Array.from({ length: count }, (_, i) => new Date(after.getTime() + ms * (i + 1)));
    }
    case "once": {
      const at = Date.parse(condition.expr);
      if (Number.isNaN(at)) throw new Error(`invalid date-time ${JSON.stringify(condition.expr)}`);
      return at > after.getTime() ? [new Date(at)] : [];
    }
    // Webhooks never fire by the clock, and neither does `after` (a flow's trigger
    // on another flow): it fires when that flow ends.
    case "webhook":
    case "after":
      return [];
  }
}

/** The time zone a cron condition runs in: its own, else the workspace's, else UTC. */
export function conditionTimezone(condition: Condition, workspaceTimezone: string | undefined): string | null {
  return condition.type === "cron" ? (condition.timezone ?? workspaceTimezone ?? "UTC") : null;
}

/**
 * Computed cron times, by expression, zone, start and count. Pure results, so
 * caching is safe; it matters because luxon (under cron-parser) is slow and a
 * plan or an apply asks for the same few schedules from the same `now` for
 * thousands of events. Bounded: cleared when full.
 */
const cronCache = new Map<string, number[]>();
const cronCacheLimit = 10_000;

function cronTimes(expr: string, timezone: string, after: Date, count: number): Date[] {
  const key = `${expr}\u0000${timezone}\u0000${after.getTime()}\u0000${count}`;
  let times = cronCache.get(key);
  if (!times) {
    times = computeCronTimes(expr, timezone, after, count).map((d) => d.getTime());
    if (cronCache.size >= cronCacheLimit) cronCache.clear();
    cronCache.set(key, times);
  }
  return times.map((t) => new Date(t));
}

/**
 * Parsed cron expressions, by expression and zone. Parsing costs ~0.3 ms (luxon
 * builds the zone and every field), stepping from a new start ~20 µs; the
 * scheduler asks for each due cron event's next time on the critical path of
 * its runs. An expression is stateful (its current date), so each use resets it.
 */
const parsedCron = new Map<string, CronExpression>();

function computeCronTimes(expr: string, timezone: string, after: Date, count: number): Date[] {
  const key = `${expr}\u0000${timezone}`;
  let parsed = parsedCron.get(key);
  if (parsed) {
    parsed.reset(after);
  } else {
    // cron-parser only notices a bad zone on the first next(), with an opaque message.
    if (!isTimeZone(timezone)) throw new Error(`unknown time zone ${JSON.stringify(timezone)}`);
    parsed = parseCronExpression(expr, { currentDate: after, tz: timezone });
    if (parsedCron.size >= cronCacheLimit) parsedCron.clear();
    parsedCron.set(key, parsed);
  }
  // DST gaps and repeats are resolved as cron-parser does: a skipped local time
  // fires an hour later, a repeated one fires once.
  return parsed.take(count).map((d) => d.toDate());
}
