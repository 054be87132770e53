import type { Diagnostic } from "../../../controller/definitions/diagnostic.js";

/** SPEC §10: `{ok, diagnostics: [...]}`; ok is false only when there is an error (warnings pass). */
export function formatJson(diagnostics: Diagnostic[]): string {
  const output = {
    ok: diagnostics.every((d) => d.severity !== "error"),
    // Keys listed explicitly so the output stays the contract even if Diagnostic grows.
    diagnostics: diagnostics.map((d) => ({
      file: d.file,
      line: d.line,
      column: d.column,
      rule: d.rule,
      severity: d.severity,
      message: d.message,
    })),
  };
  return JSON.stringify(output, null, 2) + "\n";
}
