/** One finding about one place in a workspace file. Lines and columns are 1-based. */
export interface Diagnostic {
  /** Path relative to the workspace root, with forward slashes. */
  file: string;
  line: number;
  column: number;
  /** Stable rule id, e.g. `schema`, `unknown-reference`, `cron-expression`. */
  rule: string;
  severity: "error" | "warning";
  message: string;
}

/** Whether a value read back (stored JSON) is a diagnostic. */
export function isDiagnostic(value: unknown): value is Diagnostic {
  if (typeof value !== "object" || value === null) return false;
  const d: Partial<Record<keyof Diagnostic, unknown>> = value;
  return (
    typeof d.file === "string" &&
    typeof d.line === "number" &&
    typeof d.column === "number" &&
    typeof d.rule === "string" &&
    (d.severity === "error" || d.severity === "warning") &&
    typeof d.message === "string"
  );
}

export const isError = (d: Diagnostic): boolean => d.severity === "error";

/** Sort by file, then line and column, so output is stable across runs. */
export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.column - b.column ||
      (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0),
  );
}
