import type { DefinitionSpecs } from "../definitions/definition-specs.js";
import { resolveEvent } from "../definitions/resolved-event.js";

// Events written before defaults were stored resolved read the same as new ones.
const decoders: { [K in keyof DefinitionSpecs]: (spec: DefinitionSpecs[K]) => DefinitionSpecs[K] } = {
  workspace: (spec) => spec,
  agent: (spec) => spec,
  skill: (spec) => spec,
  mcp_server: (spec) => spec,
  registry: (spec) => spec,
  flow: (spec) => spec,
  event: (spec) => resolveEvent(spec),
};

/**
 * A stored spec, typed by its kind. The applier is the only writer of these
 * rows and wrote what validation accepted, so the JSON is trusted as that
 * kind; an edit out of band is drift (its recomputed digest differs) and the
 * next apply puts it back. Text that is not a JSON object reads as undefined.
 */
export function decodeSpec<K extends keyof DefinitionSpecs>(kind: K, text: string): DefinitionSpecs[K] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  return decoders[kind](value as DefinitionSpecs[K]);
}
