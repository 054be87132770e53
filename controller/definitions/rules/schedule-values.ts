import { errorMessage } from "../../error-message.js";
import type { Diagnostic } from "../diagnostic.js";
import type { Definition } from "../model.js";
import type { ValuePath } from "../parsed-file.js";
import type { Condition, Trigger } from "../schema-types.js";
import { finding, type Rule } from "./rule.js";
import { parseDuration } from "../duration.js";
import { nextFireTime } from "../next-fire-time.js";
import { isTimeZone } from "../time-zone.js";

/**
 * Conditions are judged when a revision is validated, never at fire time
 * (as pg-boss does): cron expressions, time zones, intervals and dates.
 */
export const scheduleValues: Rule = ({ defs, now }) => {
  const out: Diagnostic[] = [];
  const workspaceZone = defs.manifest?.spec.timezone;
  if (workspaceZone !== undefined && !isTimeZone(workspaceZone) && defs.manifest) {
    out.push({
      file: defs.manifest.source.file,
      ...defs.manifest.source.at(["timezone"]),
      rule: "timezone",
      severity: "error",
      message: `unknown time zone "${workspaceZone}": use an IANA name such as Europe/Paris or UTC`,
    });
  }
  for (const event of defs.events.values()) {
    out.push(...checkCondition(event, ["condition"], event.spec.condition, now, event.spec.enabled !== false));
    const expires = event.spec.policy?.expires_at;
    if (expires !== undefined && Number.isNaN(Date.parse(expires))) {
      out.push(finding(event, ["policy", "expires_at"], "date-time", `policy.expires_at: "${expires}" is not a real date-time`));
    }
  }
  for (const flow of defs.flows.values()) {
    if (flow.spec.trigger && flow.spec.trigger.type !== "after") {
      out.push(...checkCondition(flow, ["trigger"], flow.spec.trigger, now, true));
    }
  }
  return out;
};

function checkCondition(
  def: Definition,
  path: ValuePath,
  condition: Condition | Exclude<Trigger, { type: "after" }>,
  now: Date,
  enabled: boolean,
): Diagnostic[] {
  const at = (field: string, rule: string, message: string, severity: Diagnostic["severity"] = "error") =>
    finding(def, [...path, field], rule, message, severity);
  switch (condition.type) {
    case "cron": {
      // Both are judged: a bad zone must not hide a bad expression, or the fix takes two commits.
      const out: Diagnostic[] = [];
      const badZone = condition.timezone !== undefined && !isTimeZone(condition.timezone);
      if (badZone) out.push(at("timezone", "timezone", `unknown time zone "${condition.timezone}": use an IANA name such as Europe/Paris or UTC`));
      // The zone decides when an expression fires, never whether it is valid: judged in
      // UTC, validation loads no time-zone data (the first zone costs ~20 ms) and parses
      // each distinct expression once, whatever zones the events use.
      try {
        nextFireTime({ ...condition, timezone: "UTC" }, now, "UTC");
      } catch (error) {
        out.push(at("expr", "cron-expression", errorMessage(error)));
      }
      return out;
    }
    case "interval": {
      const ms = parseDuration(condition.expr);
      if (ms === undefined || ms < 1000) {
        return [at("expr", "interval", `interval "${condition.expr}" must be between 1s and 366d (e.g. 90s, 15m, 2h, 1d, or seconds)`)];
      }
      return [];
    }
    case "once": {
      const when = Date.parse(condition.expr);
      if (Number.isNaN(when)) return [at("expr", "once-date", `"${condition.expr}" is not a real date-time`)];
      if (enabled && when < now.getTime()) {
        return [at("expr", "once-in-past", `${condition.expr} is in the past: this event fires only if the controller catches it up within its catch-up window`, "warning")];
      }
      return [];
    }
    case "webhook":
      return [];
  }
}
