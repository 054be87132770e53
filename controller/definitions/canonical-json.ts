import { createHash } from "node:crypto";

/** JSON with object keys sorted at every level, so equal values always serialise equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    const entries: [string, unknown][] = Object.entries(value);
    for (const [key, v] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** The content digest of an object: what was applied, from which layer. */
export function objectDigest(layer: string, spec: unknown): string {
  return createHash("sha256").update(canonicalJson({ layer, spec })).digest("hex");
}
