import type { Diagnostic } from "../diagnostic.js";
import type { Definitions } from "../model.js";
import type { ValuePath } from "../parsed-file.js";
import { actionSites, finding, type ActionSite, type Rule } from "./rule.js";

const template = /\{\{\s*([^{}]*?)\s*\}\}/g;
const hasTemplate = /\{\{[^{}]*\}\}/;
const stepFields = new Set(["output", "status", "error"]);
const eventFields = new Set(["id", "description", "scheduled_for"]);
const dateFields = new Set(["today", "yesterday", "now"]);

/**
 * `{{...}}` templates must name something that will exist when the step runs:
 * an earlier step, the trigger payload, the event, the date or a registry. A
 * typo is an error now, not literal text in a prompt at 3 a.m.
 */
export const flowTemplates: Rule = ({ defs }) => {
  const out: Diagnostic[] = [];
  for (const site of actionSites(defs)) {
    eachString(site.fields, [], (path, text) => {
      if (path[0] === "steps") return; // nested inline steps are sites of their own
      for (const match of text.matchAll(template)) {
        const problem = checkReference(match[1] ?? "", site, defs);
        if (problem) out.push(finding(site.owner, [...site.path, ...path], "flow-template", `${match[0]}: ${problem}`));
      }
      if (site.type === "script" && path[0] === "command" && hasTemplate.test(text)) {
        out.push(
          finding(
            site.owner,
            [...site.path, "command"],
            "template-in-command",
            "templates are never spliced into a shell command; a script reads flow values from environment variables (NEXAAS_STEPS_<ID>_OUTPUT, NEXAAS_TRIGGER_PAYLOAD)",
          ),
        );
      }
    });
  }
  return out;
};

function checkReference(expr: string, site: ActionSite, defs: Definitions): string | undefined {
  const parts = expr.split(".");
  const [root, second, third] = parts;
  switch (root) {
    case "steps": {
      if (!site.steps) return "steps.* is only available inside a flow";
      const ids = site.steps.map((s) => s.id);
      const index = second === undefined ? -1 : ids.indexOf(second);
      if (second === undefined || index < 0) return `no step "${second ?? ""}" in this flow (steps: ${ids.join(", ")})`;
      if (index >= (site.stepIndex ?? 0)) return `step "${second}" does not run before this one`;
      if (third === undefined || !stepFields.has(third)) return `use steps.${second}.output, .status or .error`;
      return undefined;
    }
    case "trigger":
      return second === "payload" ? undefined : "use trigger.payload or trigger.payload.<key>";
    case "event":
      return second !== undefined && eventFields.has(second) && parts.length === 2 ? undefined : `use ${[...eventFields].map((f) => `event.${f}`).join(", ")}`;
    case "date":
      return second !== undefined && dateFields.has(second) && parts.length === 2 ? undefined : `use ${[...dateFields].map((f) => `date.${f}`).join(", ")}`;
    case "registries":
      if (second === undefined) return "use registries.<name>";
      return defs.registries.has(second) ? undefined : `unknown registry "${second}"`;
    default:
      return `unknown root "${root ?? ""}": templates start with steps, trigger, event, date or registries`;
  }
}

/**
 * Calls `visit` with every string inside a value and its path, depth first. A plain
 * recursion, not a generator: on 1,000 definitions the nested generators cost more
 * than the rule's own work.
 */
export function eachString(value: unknown, path: ValuePath, visit: (path: ValuePath, text: string) => void): void {
  if (typeof value === "string") visit(path, value);
  else if (Array.isArray(value)) value.forEach((v: unknown, i) => eachString(v, [...path, i], visit));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) eachString(v, [...path, k], visit);
}
