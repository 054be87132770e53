import type { Diagnostic } from "../../../controller/definitions/diagnostic.js";
import { formatGithub } from "./github.js";
import { formatJson } from "./json.js";
import { formatSarif } from "./sarif.js";
import { formatText } from "./text.js";
import { isOneOf } from "../one-of.js";

export type OutputFormat = "text" | "json" | "sarif" | "github";

export const outputFormats: readonly OutputFormat[] = ["text", "json", "sarif", "github"];

export const isOutputFormat = (value: string): value is OutputFormat => isOneOf(outputFormats, value);

export interface FormatContext {
  /** The workspace relative to the git top level ("" if the same), for repo-relative paths in sarif and github. */
  workspaceFromRepoRoot: string;
  toolVersion: string;
  color: boolean;
  /** Optional one-line rule descriptions for sarif. */
  ruleDescriptions?: Record<string, string>;
}

/** Renders diagnostics (workspace-relative paths) in one format; the text ends with a newline. */
export function formatDiagnostics(format: OutputFormat, diagnostics: Diagnostic[], ctx: FormatContext): string {
  switch (format) {
    case "text":
      return formatText(diagnostics, ctx.color);
    case "json":
      return formatJson(diagnostics);
    case "sarif":
      return formatSarif(diagnostics, ctx);
    case "github":
      return formatGithub(diagnostics, ctx.workspaceFromRepoRoot);
  }
}
