import type { Diagnostic } from "../../../controller/definitions/diagnostic.js";

// ANSI SGR codes; only used when the caller says the terminal takes colour.
const red = (s: string): string => `\u001b[31m${s}\u001b[39m`;
const yellow = (s: string): string => `\u001b[33m${s}\u001b[39m`;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** `2 errors, 1 warning in 2 files`, or `no problems`. */
export function summarize(diagnostics: Diagnostic[]): string {
  if (diagnostics.length === 0) return "no problems";
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const files = new Set(diagnostics.map((d) => d.file)).size;
  const counts = [errors > 0 ? plural(errors, "error") : "", warnings > 0 ? plural(warnings, "warning") : ""];
  return `${counts.filter(Boolean).join(", ")} in ${plural(files, "file")}`;
}

/** One line per diagnostic, `file:line:col  severity  rule  message`, then the summary. */
export function formatText(diagnostics: Diagnostic[], color: boolean): string {
  const lines = diagnostics.map((d) => {
    const severity = color ? (d.severity === "error" ? red : yellow)(d.severity) : d.severity;
    // A message may span lines (e.g. a YAML parser excerpt); indent the rest under it.
    const message = d.message.replace(/\r?\n/g, "\n    ");
    return `${d.file || "."}:${d.line}:${d.column}  ${severity}  ${d.rule}  ${message}`;
  });
  lines.push(summarize(diagnostics));
  return lines.join("\n") + "\n";
}
