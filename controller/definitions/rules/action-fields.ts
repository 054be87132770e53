import type { Diagnostic } from "../diagnostic.js";
import { actionSites, finding, type Rule } from "./rule.js";

/** Choices the schema cannot express readably: exactly one of two fields. */
export const actionFields: Rule = ({ defs }) => {
  const out: Diagnostic[] = [];
  const exactlyOne = (site: ReturnType<typeof actionSites>[number], a: string, b: string) => {
    if ((site.fields[a] === undefined) !== (site.fields[b] === undefined)) return;
    out.push(finding(site.owner, site.path, "action-fields", `a ${site.type} action needs exactly one of "${a}" or "${b}"`, "error", { key: true }));
  };
  for (const site of actionSites(defs)) {
    if (site.type === "claude_chat") exactlyOne(site, "prompt", "messages");
    if (site.type === "flow") exactlyOne(site, "flow", "steps");
    if (site.steps && site.stepIndex !== undefined) {
      const id = site.fields.id;
      const first = site.steps.findIndex((s) => s.id === id);
      if (first < site.stepIndex) {
        out.push(finding(site.owner, [...site.path, "id"], "duplicate-id", `step id "${String(id)}" is used twice in this flow`));
      }
    }
  }
  return out;
};
