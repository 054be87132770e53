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

/** A JSON object (not an array, not null): its keys are strings, its values anything. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
