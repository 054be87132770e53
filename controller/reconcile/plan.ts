import type { Layer } from "../definitions/model.js";
import type { Condition } from "../definitions/schema-types.js";
import { conditionTimezone, nextFireTimes } from "../definitions/next-fire-time.js";
import { isRecord } from "../definitions/is-record.js";
import { deepEqual, diffSpecs } from "./field-changes.js";
import type { FieldChange, TextDiff, TextFileOf } from "./field-changes.js";
import { objectKey, objectKinds } from "../definitions/object-state.js";
import type { CurrentObject, ObjectKind, ObjectState } from "../definitions/object-state.js";
import { riskFlags, webhookHosts } from "./risk-flags.js";
import type { Risk } from "./risk-flags.js";

export type { FieldChange, TextDiff } from "./field-changes.js";
export type { Risk, RiskCode } from "./risk-flags.js";

export type ChangeOp = "create" | "update" | "delete";

export interface Change {
  kind: ObjectKind;
  name: string;
  op: ChangeOp;
  /** The layer it comes from (the stored one for a delete). */
  layer: Layer;
  file: string;
  fields: FieldChange[];
  text_diffs: TextDiff[];
  /** ISO 8601 UTC with milliseconds; only for an event whose schedule is new or changed. */
  next_fire_times: string[];
  /** The IANA zone a cron event runs in; null for other changes. */
  timezone: string | null;
  risks: Risk[];
  /** The stored row was edited outside git; apply puts it back. */
  drift: boolean;
}

export interface Plan {
  base: string | null;
  head: string;
  changes: Change[];
  unchanged: number;
  /** "kind/name" of every stored object edited outside git. */
  drift: string[];
}

export interface PlanOptions {
  base: string | null;
  head: string;
  /** Next fire times are counted from here. */
  now: Date;
}

/** How many fire times a plan shows per event (SPEC §4). */
export const plannedFireTimes = 5;

/** A field path that no spec uses: the object moved between the framework and the workspace. */
export const layerField = "(layer)";

/**
 * desired + current -> what apply would do. Pure: no I/O, no clock (time comes
 * in options), so `nexaas plan` can run in CI with no database and a test can
 * pin every fire time.
 */
export function plan(desired: ObjectState[], current: CurrentObject[], options: PlanOptions): Plan {
  const currentByKey = new Map(current.map((o) => [objectKey(o), o]));
  const desiredKeys = new Set(desired.map(objectKey));
  const workspace = desired.find((o) => o.kind === "workspace")?.spec;
  const context = {
    now: options.now,
    workspaceTimezone: typeof workspace?.timezone === "string" ? workspace.timezone : undefined,
    knownWebhookHosts: webhookHosts(current),
    workspaceDefaults: isRecord(workspace?.defaults) ? workspace.defaults : undefined,
  };

  const changes: Change[] = [];
  let unchanged = 0;
  for (const want of desired) {
    const have = currentByKey.get(objectKey(want));
    if (!have) {
      changes.push(buildChange("create", want, undefined, want.spec, context));
    } else if (want.digest !== have.digest || hasDrift(have)) {
      // With drift the stored spec is what was edited, so the diff shows what apply puts back.
      changes.push(buildChange("update", want, have, want.spec, context));
    } else {
      unchanged++;
    }
  }
  for (const have of current) if (!desiredKeys.has(objectKey(have))) changes.push(buildChange("delete", have, have, undefined, context));

  changes.sort(compareChanges);
  const drift = current.filter(hasDrift).map(objectKey).sort();
  return { base: options.base, head: options.head, changes, unchanged, drift };
}

const hasDrift = (o: CurrentObject): boolean => o.actualDigest !== o.digest;

interface PlanContext {
  now: Date;
  workspaceTimezone: string | undefined;
  knownWebhookHosts: ReadonlySet<string>;
  workspaceDefaults: Record<string, unknown> | undefined;
}

function buildChange(op: ChangeOp, object: ObjectState, have: CurrentObject | undefined, after: Record<string, unknown> | undefined, context: PlanContext): Change {
  const before = have?.spec;
  const { fields, text_diffs } = diffSpecs(before, after, textFileOf(object));
  if (op === "update" && have && have.layer !== object.layer) fields.unshift({ path: layerField, before: have.layer, after: object.layer });

  const condition = after && isCondition(after.condition) ? after.condition : undefined;
  const fireTimes = object.kind === "event" && after && condition && scheduleChanged(before, after) ? eventFireTimes(condition, after, context) : [];
  return {
    kind: object.kind,
    name: object.name,
    op,
    layer: object.layer,
    file: object.file,
    fields,
    text_diffs,
    next_fire_times: fireTimes.map((t) => t.toISOString()),
    timezone: object.kind === "event" && condition ? conditionTimezone(condition, context.workspaceTimezone) : null,
    risks: riskFlags({ kind: object.kind, name: object.name, op, before, after, fireTimes }, context),
    drift: have ? hasDrift(have) : false,
  };
}

/**
 * Fire times are shown when the schedule is new to the scheduler: a created
 * event, a changed condition, or an event switched back on. An unrelated edit
 * (a prompt) keeps the event's runtime schedule, so there is nothing to show.
 */
function scheduleChanged(before: Record<string, unknown> | undefined, after: Record<string, unknown>): boolean {
  if (after.enabled === false) return false;
  if (!before) return true;
  return before.enabled === false || !deepEqual(before.condition, after.condition);
}

function eventFireTimes(condition: Condition, spec: Record<string, unknown>, context: PlanContext): Date[] {
  const times = nextFireTimes(condition, context.now, context.workspaceTimezone ?? "UTC", plannedFireTimes);
  // An event does not fire past policy.expires_at, so neither does its plan.
  const expires = isRecord(spec.policy) && typeof spec.policy.expires_at === "string" ? Date.parse(spec.policy.expires_at) : NaN;
  return Number.isNaN(expires) ? times : times.filter((t) => t.getTime() < expires);
}

/**
 * What each condition the clock fires must hold, by type. Keyed by the schema's
 * own types, so a condition type added to the schema does not compile until it
 * is added here.
 */
const conditionFields: { [T in Condition["type"]]: (condition: Record<string, unknown>) => boolean } = {
  cron: (c) => typeof c.expr === "string" && (c.timezone === undefined || typeof c.timezone === "string"),
  interval: (c) => typeof c.expr === "string" || typeof c.expr === "number",
  once: (c) => typeof c.expr === "string",
  webhook: (c) => typeof c.secret === "string",
};

/** Whether a spec's `condition` is one the clock fires (a flow's `after` is not: that flow's end queues it). */
export function isCondition(value: unknown): value is Condition {
  if (!isRecord(value)) return false;
  for (const [type, holds] of Object.entries(conditionFields)) if (value.type === type) return holds(value);
  return false;
}

/**
 * The file a text field's diff is headed with. An agent's prompt and a skill's
 * instructions are whole files of their own; any other text sits inside the
 * object's YAML, so the header names the field too.
 */
function textFileOf(object: ObjectState): TextFileOf {
  return (path) => {
    // A Claude Code subagent file (agents/<name>.md) holds its prompt after the front matter.
    if (object.kind === "agent" && path === "prompt") return { file: object.file.endsWith(".md") ? object.file : siblingFile(object.file, "prompt.md") };
    if (object.kind === "skill" && path === "instructions") return { file: object.file };
    return { file: object.file, label: path };
  };
}

const siblingFile = (file: string, name: string): string => file.slice(0, file.lastIndexOf("/") + 1) + name;

const kindOrder = new Map<ObjectKind, number>(objectKinds.map((k, i) => [k, i]));

function compareChanges(a: Change, b: Change): number {
  const byKind = (kindOrder.get(a.kind) ?? 0) - (kindOrder.get(b.kind) ?? 0);
  if (byKind !== 0) return byKind;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
