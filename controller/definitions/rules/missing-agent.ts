import type { Diagnostic } from "../diagnostic.js";
import { actionSites, finding, type Rule } from "./rule.js";

/** A claude_chat or skill action with no agent anywhere (action, event, flow, defaults) cannot run. */
export const missingAgent: Rule = ({ defs }) => {
  const out: Diagnostic[] = [];
  const fallback = defs.manifest?.spec.defaults?.agent;
  for (const site of actionSites(defs)) {
    if (site.type !== "claude_chat" && site.type !== "skill") continue;
    if (site.fields.agent !== undefined || site.defaultAgent !== undefined || fallback !== undefined) continue;
    out.push(
      finding(
        site.owner,
        site.path,
        "no-agent",
        `this ${site.type} action names no agent and nexaas.yaml has no defaults.agent: set "agent" on the action or the event`,
        "warning",
        { key: true },
      ),
    );
  }
  return out;
};
