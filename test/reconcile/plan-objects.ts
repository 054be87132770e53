import type { Layer } from "../../controller/definitions/model.js";
import { objectDigest } from "../../controller/definitions/canonical-json.js";
import type { CurrentObject, ObjectKind, ObjectState } from "../../controller/definitions/object-state.js";

const defaultFile: Record<ObjectKind, (name: string) => string> = {
  workspace: () => "nexaas.yaml",
  agent: (n) => `agents/${n}/config.yaml`,
  skill: (n) => `skills/${n}.md`,
  mcp_server: (n) => `mcp-servers/${n}.yaml`,
  registry: (n) => `registries/${n}.yaml`,
  flow: (n) => `flows/${n}.yaml`,
  event: (n) => `events/${n}.yaml`,
};

/** A desired object as desiredState() builds it: a digest of {layer, spec}. */
export function object(kind: ObjectKind, name: string, spec: Record<string, unknown>, layer: Layer = "workspace"): ObjectState {
  return { kind, name, layer, file: defaultFile[kind](name), spec, digest: objectDigest(layer, spec) };
}

/** The same object as the store holds it after applying `revision`. */
export function stored(o: ObjectState, revision = "r1"): CurrentObject {
  return { ...o, revision, actualDigest: o.digest };
}

/** A stored row whose spec someone edited in SQLite: the recorded digest no longer matches. */
export function editedOutOfBand(o: ObjectState, spec: Record<string, unknown>): CurrentObject {
  return { ...o, spec, revision: "r1", actualDigest: objectDigest(o.layer, spec) };
}

export const workspace = (spec: Record<string, unknown> = {}) => object("workspace", "workspace", { name: "ops", timezone: "Europe/Paris", defaults: { model: "claude-sonnet-4-5" }, ...spec });

export const event = (name: string, spec: Record<string, unknown>) =>
  object("event", name, { enabled: true, condition: { type: "cron", expr: "0 9 * * 1-5" }, action: { type: "claude_chat", prompt: "Summarise." }, origin: "events", ...spec });
