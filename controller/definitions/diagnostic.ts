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
