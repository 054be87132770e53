import type { FileSource } from "../source/file-source.js";
import { type Diagnostic, isError, sortDiagnostics } from "./diagnostic.js";
import { mergeLayers } from "./merge-layers.js";
import type { Definitions } from "./model.js";
import { type CheckYamlFor, parseLayer } from "./parse-layer.js";
import { readLayerFiles } from "./read-layer-files.js";
import { rules } from "./rules/index.js";


export interface LoadOptions {
  /** The workspace layer: a working tree, the index or a revision. */
  workspace: FileSource;
  /** The framework layer (the product's framework/ folder); null for none. */
  framework: FileSource | null;
  /** How framework paths appear in diagnostics, e.g. "../framework/agents/x/config.yaml". */
  frameworkPath: (path: string) => string;
  now?: Date;
  /** How the workspace layer's YAML is checked (validate-cache.ts remembers results); awaited once its files are read. */
  checkFor?: Promise<CheckYamlFor>;
}

export interface LoadResult {
  defs: Definitions;
  /** Every finding of every file, sorted by file, line and column. */
  diagnostics: Diagnostic[];
  /** No errors (warnings allowed). */
  ok: boolean;
}

/**
 * source -> definitions: reads both layers, parses and schema-checks each
 * file, merges the layers, then runs every cross-file rule. Returns values,
 * never throws for bad input, so one pass reports every error.
 */
export async function loadDefinitions(options: LoadOptions): Promise<LoadResult> {
  // The framework layer (files on disk) is parsed as soon as it is read, while git may
  // still be reading the workspace's blobs: that wait is otherwise idle.
  const [[frameworkFiles, framework], workspaceFiles] = await Promise.all([
    (options.framework ? readLayerFiles(options.framework) : Promise.resolve({ files: [], diagnostics: [] })).then(
      (files) => [files, parseLayer(files.files, "framework", options.frameworkPath)] as const,
    ),
    readLayerFiles(options.workspace),
  ]);
  const workspace = parseLayer(workspaceFiles.files, "workspace", (p) => p, await options.checkFor);
  const merged = mergeLayers(framework, workspace);
  const diagnostics: Diagnostic[] = [
    ...frameworkFiles.diagnostics.map((d) => ({ ...d, file: options.frameworkPath(d.file) })),
    ...workspaceFiles.diagnostics,
    ...framework.diagnostics,
    ...workspace.diagnostics,
    ...merged.diagnostics,
  ];
  if (!workspace.manifest && !workspaceFiles.files.some((f) => f.role.role === "manifest")) {
    diagnostics.push({
      file: "nexaas.yaml",
      line: 1,
      column: 1,
      rule: "missing-manifest",
      severity: "error",
      message: `no nexaas.yaml in the ${options.workspace.label}: a workspace needs one at its root (nexaas init creates it)`,
    });
  }
  const ctx = { defs: merged.defs, now: options.now ?? new Date() };
  for (const rule of rules) diagnostics.push(...rule(ctx));
  const sorted = sortDiagnostics(diagnostics);
  return { defs: merged.defs, diagnostics: sorted, ok: !sorted.some(isError) };
}
