import type { Diagnostic } from "../diagnostic.js";
import type { Definition, Definitions, EventDefinition } from "../model.js";
import type { Position, ValuePath } from "../parsed-file.js";
import type { Step } from "../schema-types.js";

export interface RuleContext {
  defs: Definitions;
  /** The clock, injected so "in the past" is testable. */
  now: Date;
}

/** A cross-file rule: reads the merged definitions, returns findings, writes nothing. */
export type Rule = (ctx: RuleContext) => Diagnostic[];

/** Position of a field of a definition, following shorthand events back to their memory/ item. */
export function positionOf(def: Definition | { source: Definition["source"] }, path: ValuePath, key = false): Position {
  if ("kind" in def && def.kind === "event" && def.origin !== "events") return def.source.at(shorthandPath(def, path), { key });
  return def.source.at(path, { key });
}

function shorthandPath(event: EventDefinition, path: ValuePath): ValuePath {
  const [first, second] = path;
  const field =
    first === "condition" ? (event.origin === "followups" ? "due" : "interval") :
    first === "agent" ? "agent" :
    first === "action" && (second === "prompt" || second === "skill" || second === "agent") ? second :
    first === "id" ? "id" : undefined;
  return field ? [...event.itemPath, field] : event.itemPath;
}

export function finding(
  def: Definition | { file: string; source: Definition["source"] },
  path: ValuePath,
  rule: string,
  message: string,
  severity: Diagnostic["severity"] = "error",
  options: { key?: boolean } = {},
): Diagnostic {
  return { file: def.file, ...positionOf(def, path, options.key), rule, severity, message };
}

/** Every event and inline/flow step with the action fields it carries, and the path to them. */
export interface ActionSite {
  owner: Definition;
  /** Path of the object holding the action's fields (event `action`, or a step). */
  path: ValuePath;
  type: string;
  /** The action's or step's fields by name; a rule narrows the few it reads. */
  fields: Readonly<Record<string, unknown>>;
  /** The event's or flow's default agent. */
  defaultAgent?: string;
  /** For steps: the flow (or inline list) they belong to, and their index. */
  steps?: readonly Step[];
  stepIndex?: number;
}

export function actionSites(defs: Definitions): ActionSite[] {
  const sites: ActionSite[] = [];
  const addSteps = (owner: Definition, stepsPath: ValuePath, steps: readonly Step[], defaultAgent?: string) => {
    steps.forEach((step, i) => {
      const path = [...stepsPath, i];
      sites.push({ owner, path, type: step.action, fields: fieldsOf(step), defaultAgent, steps, stepIndex: i });
      if (step.action === "flow" && step.steps) addSteps(owner, [...path, "steps"], step.steps, defaultAgent);
    });
  };
  for (const event of defs.events.values()) {
    const action = event.spec.action;
    sites.push({ owner: event, path: ["action"], type: action.type, fields: fieldsOf(action), defaultAgent: event.spec.agent });
    if (action.type === "flow" && action.steps) addSteps(event, ["action", "steps"], action.steps, event.spec.agent);
  }
  for (const flow of defs.flows.values()) addSteps(flow, ["steps"], flow.spec.steps, flow.spec.agent);
  return sites;
}

/**
 * The same object, seen as its fields by name. TypeScript does not widen an
 * interface (the schema types) to a record, as an interface may gain members;
 * it does widen the mapped type of its fields, and every value fits `unknown`.
 */
const fieldsOf = <T extends object>(value: T): { readonly [K in keyof T]: T[K] } => value;
