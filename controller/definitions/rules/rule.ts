import type { Diagnostic } from "../diagnostic.js";
import type { Definition, Definitions, EventDefinition } from "../model.js";
import type { Position, ValuePath } from "../parsed-file.js";

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
  return { file: def.file, ...positionOf(def as Definition, path, options.key), rule, severity, message };
}

/** Every event and inline/flow step with the action fields it carries, and the path to them. */
export interface ActionSite {
  owner: Definition;
  /** Path of the object holding the action's fields (event `action`, or a step). */
  path: ValuePath;
  type: string;
  fields: Record<string, unknown>;
  /** The event's or flow's default agent. */
  defaultAgent?: string;
  /** For steps: the flow (or inline list) they belong to, and their index. */
  steps?: readonly Record<string, unknown>[];
  stepIndex?: number;
}

export function actionSites(defs: Definitions): ActionSite[] {
  const sites: ActionSite[] = [];
  const addSteps = (owner: Definition, stepsPath: ValuePath, steps: readonly Record<string, unknown>[], defaultAgent?: string) => {
    steps.forEach((step, i) => {
      const path = [...stepsPath, i];
      const type = String(step.action);
      sites.push({ owner, path, type, fields: step, defaultAgent, steps, stepIndex: i });
      if (type === "flow" && Array.isArray(step.steps)) addSteps(owner, [...path, "steps"], step.steps as Record<string, unknown>[], defaultAgent);
    });
  };
  for (const event of defs.events.values()) {
    const action = event.spec.action as unknown as Record<string, unknown>;
    sites.push({ owner: event, path: ["action"], type: String(action.type), fields: action, defaultAgent: event.spec.agent });
    if (action.type === "flow" && Array.isArray(action.steps)) {
      addSteps(event, ["action", "steps"], action.steps as Record<string, unknown>[], event.spec.agent);
    }
  }
  for (const flow of defs.flows.values()) {
    addSteps(flow, ["steps"], flow.spec.steps as unknown as Record<string, unknown>[], flow.spec.agent);
  }
  return sites;
}
