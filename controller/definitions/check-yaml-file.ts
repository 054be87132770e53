import jsYaml from "js-yaml";
import { type SchemaKind, type SchemaValue, checkSchema, matchesSchema } from "./check-schema.js";
import type { Diagnostic } from "./diagnostic.js";
import { parseYaml } from "./parse-yaml.js";
import type { ParsedFile } from "./parsed-file.js";

export interface CheckedYaml<T = unknown> {
  /** The value, when the file parsed and matched its schema. */
  value?: T;
  diagnostics: Diagnostic[];
  /** With positions (`at`), parsed on demand for a valid file. */
  parsed?: ParsedFile<T>;
}

/** checkYamlFile's signature: parse-layer.ts takes one per file, so a caller may remember results (validate-cache.ts). */
export type CheckYaml = <K extends SchemaKind>(file: string, text: string, kind: K, lineOffset?: number) => CheckedYaml<SchemaValue<K>>;

/**
 * Parses one YAML file and checks it against its schema.
 *
 * Two parsers, one meaning. `yaml` (the chosen library) keeps every node's
 * position, which every diagnostic needs, but building its documents is most
 * of the time of loading a workspace (10,000 files: ~1.1 s). js-yaml builds
 * plain values about ten times faster. So a file is first read with js-yaml
 * using the YAML 1.2 core schema, the same one `yaml` uses (no timestamps, no
 * merge keys); when that value matches the schema, the file is valid and its
 * positions are only parsed if a cross-file rule asks for one. Anything else —
 * a syntax error, a schema error, and any file that may hold an anchor, where
 * js-yaml has no alias-expansion limit — takes the `yaml` path, which reports
 * every problem with its line and column.
 */
export function checkYamlFile<K extends SchemaKind>(file: string, text: string, kind: K, lineOffset = 0): CheckedYaml<SchemaValue<K>> {
  if (!mayHaveAnchor.test(text)) {
    const value = fastValue(text);
    if (value !== undefined && matchesSchema(kind, value)) return { value, diagnostics: [], parsed: lazyParsedFile(file, text, value, lineOffset) };
  }
  const { parsed, diagnostics } = parseYaml(file, text, lineOffset);
  if (!parsed) return { diagnostics };
  const value = parsed.value;
  if (matchesSchema(kind, value)) return { value, diagnostics, parsed: { ...parsed, value } };
  return { diagnostics: [...diagnostics, ...checkSchema(kind, parsed)] };
}

/**
 * An anchor is `&name` where a node starts: after a space, a line start or a
 * flow indicator. This matches every anchor (and some text that only looks
 * like one, which merely takes the slower path); `&&` in a CEL condition and
 * "R&D" do not match.
 */
const mayHaveAnchor = /(^|[\s[{,])&[^\s,[\]{}&]/m;

function fastValue(text: string): unknown {
  try {
    return jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA, json: false });
  } catch {
    return undefined;
  }
}

/**
 * A ParsedFile whose positions are parsed on first use: only the few files a
 * rule reports on ever need them.
 */
export function lazyParsedFile<T>(file: string, text: string, value: T, lineOffset = 0): ParsedFile<T> {
  let located: ParsedFile | undefined;
  return {
    file,
    value,
    at(path, options) {
      located ??= parseYaml(file, text, lineOffset).parsed;
      return located ? located.at(path, options) : { line: 1 + lineOffset, column: 1 };
    },
  };
}
