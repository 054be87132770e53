import { DirectorySource } from "../source/directory-source.js";
import type { FileSource } from "../source/file-source.js";
import { MemorySource } from "../source/memory-source.js";
import { type Diagnostic, isError, sortDiagnostics } from "./diagnostic.js";
import { type LoadResult, loadDefinitions } from "./load-definitions.js";
import { onlyPaths } from "./validate-workspace.js";

/** The rule id of a sanitizer finding in a framework file. */
export const FRAMEWORK_RULE = "framework-placeholders";

/** One thing in a framework file that may not ship (a secret, an email, a real domain), as the scanner reports it. */
export interface FrameworkFinding {
  file: string;
  line: number;
  column: number;
  /** e.g. `company_name`, `api_key`. */
  kind: string;
  /** The detector rule, e.g. `identity-company`. */
  rule: string;
  /** A masked preview, never the value. */
  masked: string;
  /** What to write instead, e.g. `{{COMPANY}}`. */
  placeholder: string;
}

/**
 * The sanitizer's upstream rules over every file of a framework folder. Passed in by
 * the caller (contribute/scan-framework.ts): definitions/ comes before contribute/ in
 * SPEC §1 and never imports it.
 */
export type FrameworkScanner = (source: FileSource) => Promise<readonly FrameworkFinding[]>;

/**
 * Validates a framework layer (the product's framework/, or a contribution applied to a
 * copy of it): its definitions as a workspace would load them, and the upstream
 * sanitizer rules (`scan`), since what ships to every customer may hold no secret, email,
 * real domain or company-like name, only placeholders. Paths are relative to `dir`.
 */
export async function validateFramework(dir: string, scan: FrameworkScanner, paths?: readonly string[]): Promise<LoadResult> {
  // A framework has no manifest of its own: a minimal workspace stands over it, so the
  // layer is read and checked exactly as it is under a customer's workspace, with every
  // MCP server of the framework enabled (agents there may name any of them).
  const servers = (await new DirectorySource(dir, "framework").list())
    .map((e) => /^mcp-servers\/([^/]+)\.(?:ya?ml|json)$/.exec(e.path)?.[1])
    .filter((name): name is string => name !== undefined);
  const stand = new MemorySource({ "nexaas.yaml": `name: framework-check\nmcp_servers: ${JSON.stringify(servers.sort())}\n` }, "framework check");
  const [loaded, found] = await Promise.all([
    loadDefinitions({ workspace: stand, framework: new DirectorySource(dir, "framework"), frameworkPath: (p) => p }),
    scan(new DirectorySource(dir, "framework")),
  ]);
  const findings: Diagnostic[] = found.map((f) => ({
    file: f.file,
    line: f.line,
    column: f.column,
    rule: FRAMEWORK_RULE,
    severity: "error",
    message: `${f.kind.replace(/_/g, " ")} (${f.rule}) ${f.masked}: framework files hold only placeholders; write ${f.placeholder}`,
  }));
  const diagnostics = sortDiagnostics([...loaded.diagnostics, ...findings]);
  return onlyPaths({ ...loaded, diagnostics, ok: !diagnostics.some(isError) }, paths);
}
