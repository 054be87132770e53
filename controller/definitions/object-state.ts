import type { Layer } from "./model.js";

/** The kinds of object a revision holds; each has its own table in the store. */
export const objectKinds = ["workspace", "agent", "skill", "mcp_server", "registry", "flow", "event"] as const;
export type ObjectKind = (typeof objectKinds)[number];

/**
 * One object of the desired or current state, as the planner sees it: plain
 * JSON, no positions, no SQLite. `spec` is what gets stored and compared.
 */
export interface ObjectState {
  kind: ObjectKind;
  name: string;
  layer: Layer;
  /** The file that defines it (workspace-relative), for people reading a plan. */
  file: string;
  spec: Record<string, unknown>;
  /** sha256 (hex) of the canonical JSON of {layer, spec}: equal digests mean nothing to do. */
  digest: string;
}

/** An object as the store holds it now. */
export interface CurrentObject extends ObjectState {
  /** The revision that last wrote it. */
  revision: string;
  /**
   * The digest recomputed from the stored spec and layer. It differs from
   * `digest` when someone edited the row out of band: drift, put back on apply.
   */
  actualDigest: string;
}

export const objectKey = (o: { kind: ObjectKind; name: string }): string => `${o.kind}/${o.name}`;
