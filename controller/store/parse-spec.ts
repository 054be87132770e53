import { isRecord } from "../definitions/is-record.js";

/** A spec mangled out of band must not stop a reconcile or a read: it reads as empty, its digest differs, and apply puts it back. */
export function parseSpec(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (isRecord(value)) return value;
  } catch {
    // fall through
  }
  return {};
}

