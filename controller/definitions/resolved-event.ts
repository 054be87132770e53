import { type AfterAnotherFlow, type Condition, type EventFile, eventDefaults, policyDefaults, type RunPolicy, workspaceDefaults } from "./schema-types.js";

/** A run policy with every field the schema gives a default present. */
export type ResolvedPolicy = RunPolicy & typeof policyDefaults;

/**
 * A flow's own trigger may be `after` another flow; the event that carries it
 * (`flow:<id>`) is never fired by the scheduler, only queued when that flow ends.
 */
export type EventCondition = Condition | AfterAnotherFlow;

/** Where an event came from: its own file, a memory/ shorthand, or a flow's trigger. */
export type EventOrigin = "events" | "followups" | "checks" | "flows";

/**
 * An event as the controller runs it: every default applied, a cron condition's
 * time zone resolved. This is what the store holds and every trigger path reads,
 * so no consumer applies a default of its own.
 */
export interface ResolvedEvent extends Omit<EventFile, "policy" | "enabled" | "condition"> {
  enabled: boolean;
  condition: EventCondition;
  policy: ResolvedPolicy;
  origin: EventOrigin;
}

/** The part of an event that resolution reads: a file's event, or one stored before defaults were resolved. */
export type UnresolvedEvent = Omit<EventFile, "condition"> & { condition: EventCondition; origin?: EventOrigin };

/**
 * Applies the schema's defaults (schemas/common.schema.json `policy`, event
 * `enabled`) to an event, and, given the workspace, its time zone to a cron
 * condition that names none. Idempotent: a resolved event resolves to itself,
 * so a row written by an older version reads the same (its zone was stored).
 */
export function resolveEvent(event: UnresolvedEvent, workspace?: { timezone?: string | undefined }, origin: EventOrigin = event.origin ?? "events"): ResolvedEvent {
  return {
    ...event,
    enabled: event.enabled ?? eventDefaults.enabled,
    condition: workspace ? withZone(event.condition, workspace.timezone ?? workspaceDefaults.timezone) : event.condition,
    policy: { ...policyDefaults, ...event.policy },
    origin,
  };
}

/**
 * A cron condition without a time zone runs in the workspace's. Storing the zone it
 * resolves to makes a change of nexaas.yaml's timezone a visible, applied change of
 * every event it moves (a fresh next fire time), not a silent one.
 */
export function withZone<C extends { type: string; timezone?: string }>(condition: C, zone: string): C {
  return condition.type === "cron" && condition.timezone === undefined ? { ...condition, timezone: zone } : condition;
}

/** The event that carries a flow's own trigger: a name no event file can take. */
export const flowEventName = (flow: string): string => `flow:${flow}`;

/** `overlap: queue` makes an event's runs wait for each other; a concurrency key also serialises across events. */
export function concurrencyKeyOf(name: string, policy: ResolvedPolicy): string | null {
  return policy.concurrency_key ?? (policy.overlap === "queue" ? `event:${name}` : null);
}
