import type { Diagnostic } from "../api.js";
import { diagnosticLocation } from "../format.js";

/** Validation errors as file:line:column, rule and message (all text from the API, shown as text). */
export function Diagnostics({ errors }: { errors: readonly Diagnostic[] }) {
  if (errors.length === 0) return null;
  return (
    <ul class="diagnostics">
      {errors.map((d, i) => (
        <li key={i}>
          <code>{diagnosticLocation(d)}</code> <span class={`severity-${d.severity === "warning" ? "warning" : "error"}`}>{d.severity}</span>{" "}
          <span class="muted">{d.rule}</span> {d.message}
        </li>
      ))}
    </ul>
  );
}
