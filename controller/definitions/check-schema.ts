import type { DefinedError, ErrorObject } from "ajv";
import type { Diagnostic } from "./diagnostic.js";
import type { ParsedFile, ValuePath } from "./parsed-file.js";
import type { SchemaFiles } from "./schema-types.js";
import * as validators from "./generated/validators.js";

/** The file kinds that have a schema in schemas/ (file name without .schema.json). */
export type SchemaKind = keyof SchemaFiles;

/** What a file of that kind holds once it matches its schema: the type generated from the same schema. */
export type SchemaValue<K extends SchemaKind> = Required<SchemaFiles>[K];

const byKind: Record<SchemaKind, validators.CompiledValidator> = {
  nexaas: validators.nexaas,
  agent: validators.agent,
  skill: validators.skill,
  event: validators.event,
  flow: validators.flow,
  "mcp-server": validators.mcpServer,
  registry: validators.registry,
  followups: validators.followups,
  checks: validators.checks,
  "claude-agent": validators.claudeAgent,
};

const NAME_PATTERN = "^[a-z0-9]+(-[a-z0-9]+)*$";
const conditionTypes = ["cron", "interval", "once", "webhook"];
const actionTypes = ["claude_chat", "skill", "script", "webhook", "flow"];

/**
 * Whether a value matches its kind's schema (no diagnostics: the fast path of
 * check-yaml-file.ts). The validator and the type are generated from the same
 * schema, so a match is a value of that type.
 */
export function matchesSchema<K extends SchemaKind>(kind: K, value: unknown): value is SchemaValue<K> {
  return byKind[kind](value);
}

/** Validates a parsed file against its schema; each ajv error becomes a diagnostic at its YAML node. */
export function checkSchema(kind: SchemaKind, parsed: ParsedFile): Diagnostic[] {
  const validate = byKind[kind];
  if (validate(parsed.value)) return [];
  const value = parsed.value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    // One clear message instead of "must be object" at line 1.
    const what = value === null || value === undefined ? "the file is empty" : Array.isArray(value) ? "the file is a list" : "the file is a single value";
    return [{ file: parsed.file, ...parsed.at([]), rule: "schema", severity: "error", message: `${what}: ${/^[aeiou]/.test(kind) ? "an" : "a"} ${kind} file is a mapping of fields (key: value lines)` }];
  }
  // An if/then/else failure is explained by the errors of its branch; ajv's own "must match else schema" adds nothing.
  return (validate.errors ?? []).filter((e) => e.keyword !== "if").map((error) => toDiagnostic(error, parsed, kind));
}

function toDiagnostic(error: ErrorObject, parsed: ParsedFile, kind: SchemaKind): Diagnostic {
  const path = pointerToPath(error.instancePath);
  const where = label(path);
  const prefix = where ? `${where}: ` : "";
  const at = (p: ValuePath, key = false) => ({ file: parsed.file, ...parsed.at(p, { key }) });
  const diag = (p: ValuePath, rule: string, message: string, key = false): Diagnostic => ({
    ...at(p, key),
    rule,
    severity: "error",
    message,
  });
  if (hasKeyword(error, "required")) {
    const missing = error.params.missingProperty;
    // An MCP entry with neither `type` nor `url` is a stdio one: say how to make it the other kind.
    const hint = kind === "mcp-server" && missing === "command" && path.length === 0 ? ' (a stdio server; an HTTP server gives "url" instead)' : "";
    return diag(path, "schema", `${prefix}missing required field "${missing}"${hint}`);
  }
  if (hasKeyword(error, "additionalProperties")) {
    const field = error.params.additionalProperty;
    const hint = field === "temperature" ? " (agents have no temperature: the current Messages API rejects it)" : "";
    return diag([...path, field], "schema", `${prefix}unknown field "${field}"${hint}`, true);
  }
  if (hasKeyword(error, "discriminator")) {
    const { tag, tagValue } = error.params;
    if (error.params.error === "mapping") {
      const allowed = tag === "action" || path.at(-1) === "action" ? actionTypes : path.at(-1) === "trigger" ? [...conditionTypes, "after"] : conditionTypes;
      return diag([...path, tag], "schema", `${prefix}${tag} must be one of ${allowed.join(", ")}; got ${JSON.stringify(tagValue)}`);
    }
    return diag(path, "schema", `${prefix}"${tag}" must be a string`);
  }
  if (hasKeyword(error, "enum")) {
    return diag(path, "schema", `${prefix}must be one of ${error.params.allowedValues.map((v) => JSON.stringify(v)).join(", ")}`);
  }
  if (error.keyword === "pattern" || error.keyword === "maxLength") return patternDiagnostic(error, path, prefix, diag);
  return diag(path, "schema", `${prefix}${error.message ?? error.keyword}`);
}

/** ajv types the params of each of its own keywords (DefinedError); the keyword says which. */
function hasKeyword<K extends DefinedError["keyword"]>(error: ErrorObject, keyword: K): error is Extract<DefinedError, { keyword: K }> {
  return error.keyword === keyword;
}

function patternDiagnostic(
  error: ErrorObject,
  path: ValuePath,
  prefix: string,
  diag: (p: ValuePath, rule: string, message: string) => Diagnostic,
): Diagnostic {
  const pattern = hasKeyword(error, "pattern") ? error.params.pattern : "";
  const isName = pattern === NAME_PATTERN || error.schemaPath.includes("/name/") || error.schemaPath.endsWith("/name/maxLength");
  if (isName) {
    return diag(path, "name-pattern", `${prefix}not a valid name: use lower-case letters, digits and single hyphens (${NAME_PATTERN}), at most 64 characters`);
  }
  if (pattern.startsWith("^[0-9]+(ms|s|m|h|d)")) {
    return diag(path, "duration", `${prefix}not a duration: use a number with ms, s, m, h or d (90s, 15m, 2h, 1d), or whole seconds`);
  }
  if (pattern.startsWith("^[0-9]{4}-")) {
    return diag(path, "date-time", `${prefix}not an ISO 8601 date-time with an offset (e.g. 2027-01-04T09:00:00+01:00)`);
  }
  if (pattern.startsWith("^\\$\\{")) {
    return diag(path, "secret-reference", `${prefix}must name an environment variable as "\${NAME}"; secrets never live in YAML`);
  }
  if (pattern.startsWith("^(https?")) {
    return diag(path, "schema", `${prefix}must be an http(s) URL or "\${NAME}"`);
  }
  return diag(path, "schema", `${prefix}${error.message ?? "does not match " + pattern}`);
}

function pointerToPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** `["action", "steps", 1, "url"]` -> `action.steps[1].url` */
export function label(path: ValuePath): string {
  return path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), "");
}
