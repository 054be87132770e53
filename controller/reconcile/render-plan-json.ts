import type { Plan } from "./plan.js";

/**
 * SPEC §10 plan output: {base, head, changes: [{kind, name, op, fields,
 * next_fire_times, risks}]} plus what people and tools also want (layer, file,
 * text diffs, drift, time zone, unchanged count). Keys are listed explicitly so
 * the output keeps its order and nothing internal leaks into it.
 */
export function renderPlanJson(plan: Plan): string {
  const out = {
    base: plan.base,
    head: plan.head,
    changes: plan.changes.map((c) => ({
      kind: c.kind,
      name: c.name,
      op: c.op,
      layer: c.layer,
      file: c.file,
      drift: c.drift,
      fields: c.fields,
      text_diffs: c.text_diffs,
      next_fire_times: c.next_fire_times,
      timezone: c.timezone,
      risks: c.risks,
    })),
    unchanged: plan.unchanged,
    drift: plan.drift,
  };
  return JSON.stringify(out, null, 2) + "\n";
}
