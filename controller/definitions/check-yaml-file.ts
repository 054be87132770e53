import { type SchemaKind, checkSchema } from "./check-schema.js";
import type { Diagnostic } from "./diagnostic.js";
import { parseYaml } from "./parse-yaml.js";
import type { ParsedFile } from "./parsed-file.js";
import type { FileRole } from "./classify-path.js";

/** The schema of each YAML file role. */
export const yamlKinds: Partial<Record<FileRole["role"], SchemaKind>> = {
  manifest: "nexaas",
  "agent-config": "agent",
  event: "event",
  flow: "flow",
  "mcp-server": "mcp-server",
  registry: "registry",
  followups: "followups",
  checks: "checks",
};

export interface CheckedYaml {
  /** The value, when the file parsed and matched its schema. */
  value?: unknown;
  diagnostics: Diagnostic[];
}

/** Parses one YAML file and checks it against its schema: the unit of work a parse worker does. */
export function checkYamlFile(file: string, text: string, kind: SchemaKind): CheckedYaml & { parsed?: ParsedFile } {
  const { parsed, diagnostics } = parseYaml(file, text);
  if (!parsed) return { diagnostics };
  const errors = checkSchema(kind, parsed);
  return errors.length > 0 ? { diagnostics: [...diagnostics, ...errors] } : { value: parsed.value, diagnostics, parsed };
}

/**
 * A ParsedFile for a value parsed elsewhere (in a worker): positions are only
 * needed for the few files a rule reports on, so the text is parsed again for
 * them, on first use, instead of shipping every node's position back.
 */
export function lazyParsedFile(file: string, text: string, value: unknown): ParsedFile {
  let located: ParsedFile | undefined;
  return {
    file,
    value,
    at(path, options) {
      located ??= parseYaml(file, text).parsed;
      return located ? located.at(path, options) : { line: 1, column: 1 };
    },
  };
}
