import type { Log, ReportingDescriptor, Result } from "sarif";
import type { Diagnostic } from "../../../controller/definitions/diagnostic.js";
import { repoRelative } from "./repo-path.js";

const SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI = "https://nexaas.dev";

export interface SarifContext {
  workspaceFromRepoRoot: string;
  toolVersion: string;
  /** One-line descriptions by rule id; a rule without one gets a generic text. */
  ruleDescriptions?: Record<string, string>;
}

/**
 * SARIF 2.1.0, one run, for GitHub code scanning and other SARIF viewers. Paths are
 * repository-relative under %SRCROOT%, which is how code scanning maps them onto files.
 */
export function formatSarif(diagnostics: Diagnostic[], ctx: SarifContext): string {
  const ruleIds = [...new Set(diagnostics.map((d) => d.rule))].sort();
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  const rules: ReportingDescriptor[] = ruleIds.map((id) => ({
    id,
    shortDescription: { text: ctx.ruleDescriptions?.[id] ?? `Nexaas validation rule "${id}"` },
  }));
  const results: Result[] = diagnostics.map((d) => toResult(d, ruleIndex.get(d.rule) ?? 0, ctx.workspaceFromRepoRoot));
  const log: Log = {
    $schema: SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "nexaas", version: ctx.toolVersion, informationUri: INFORMATION_URI, rules } },
        columnKind: "utf16CodeUnits",
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + "\n";
}

function toResult(d: Diagnostic, ruleIndex: number, workspaceFromRepoRoot: string): Result {
  const result: Result = {
    ruleId: d.rule,
    ruleIndex,
    level: d.severity === "error" ? "error" : "warning",
    message: { text: d.message },
  };
  const uri = repoRelative(workspaceFromRepoRoot, d.file);
  // A workspace-wide finding (no file) has no location; SARIF allows that.
  if (uri) {
    result.locations = [
      {
        physicalLocation: {
          artifactLocation: { uri: encodeUri(uri), uriBaseId: "%SRCROOT%" },
          // SARIF regions are 1-based; a finding about a whole file carries no region.
          ...(d.line >= 1 ? { region: { startLine: d.line, ...(d.column >= 1 ? { startColumn: d.column } : {}) } } : {}),
        },
      },
    ];
  }
  return result;
}

/** A relative URI reference: each segment percent-encoded, slashes kept. */
const encodeUri = (path: string): string => path.split("/").map(encodeURIComponent).join("/");
