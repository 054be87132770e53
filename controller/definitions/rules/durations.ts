import type { Diagnostic } from "../diagnostic.js";
import { parseDuration } from "../duration.js";
import { label } from "../check-schema.js";
import type { ValuePath } from "../parsed-file.js";
import { actionSites, finding, type Rule } from "./rule.js";

/**
 * The schema checks a duration's spelling; a zero one ("0s") passes it but
 * would mean "retry at once, forever" or "time out immediately".
 */
export const durations: Rule = ({ defs }) => {
  const out: Diagnostic[] = [];
  const check = (owner: Parameters<typeof finding>[0], path: ValuePath, value: unknown) => {
    if ((typeof value === "string" || typeof value === "number") && parseDuration(value) === undefined) {
      out.push(finding(owner, path, "duration", `${label(path)}: "${value}" must be a duration above zero and at most 366d`));
    }
  };
  // A flow's policy governs the runs of its own trigger, as an event's does.
  for (const owner of [...defs.events.values(), ...defs.flows.values()]) {
    const policy = owner.spec.policy;
    if (!policy) continue;
    check(owner, ["policy", "timeout"], policy.timeout);
    check(owner, ["policy", "catchup_window"], policy.catchup_window);
    policy.backoff?.forEach((d, i) => check(owner, ["policy", "backoff", i], d));
  }
  const manifest = defs.manifest;
  if (manifest) {
    const file = { file: manifest.source.file, source: manifest.source };
    check(file, ["retention", "runs"], manifest.spec.retention?.runs);
    check(file, ["defaults", "tool_timeout"], manifest.spec.defaults?.tool_timeout);
  }
  for (const agent of defs.agents.values()) check(agent, ["tool_timeout"], agent.config.tool_timeout);
  for (const site of actionSites(defs)) {
    if (site.type === "script") check(site.owner, [...site.path, "timeout"], site.fields.timeout);
  }
  return out;
};
