import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import type { Diagnostic } from "./diagnostic.js";
import { type ParsedFile, type Position, type ValuePath, positionOfOffset, startOfFile } from "./parsed-file.js";

/**
 * Alias expansions allowed per document. A "billion laughs" file needs
 * thousands; real workspaces use a handful. The yaml library stops counting at
 * this bound, so a bomb costs microseconds instead of memory.
 */
export const maxAliasCount = 100;

export interface YamlResult {
  parsed?: ParsedFile;
  diagnostics: Diagnostic[];
}

/** Parses YAML (or JSON, a subset) keeping positions; never throws. */
export function parseYaml(file: string, text: string, lineOffset = 0): YamlResult {
  const lineCounter = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  } catch (error) {
    // The parser recurses: absurd nesting ([[[[...) overflows the stack.
    return { diagnostics: [{ file, line: 1 + lineOffset, column: 1, rule: "yaml-syntax", severity: "error", message: plainMessage(error) }] };
  }
  const starts = lineCounter.lineStarts;
  const pos = (offset: number): Position => {
    const p = positionOfOffset(starts, offset);
    return { line: p.line + lineOffset, column: p.column };
  };
  const diagnostics: Diagnostic[] = [];
  for (const error of doc.errors) {
    diagnostics.push({ file, ...pos(error.pos[0]), rule: "yaml-syntax", severity: "error", message: plainMessage(error) });
  }
  if (diagnostics.length > 0) return { diagnostics };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const isAliasBomb = /alias/i.test(message);
    diagnostics.push({
      file,
      ...pos(0),
      rule: isAliasBomb ? "yaml-alias-limit" : "yaml-syntax",
      severity: "error",
      message: isAliasBomb
        ? `too many alias expansions (limit ${maxAliasCount}): a YAML alias bomb, or aliases used far more than a definition needs`
        : plainMessage(error),
    });
    return { diagnostics };
  }
  const at = (path: ValuePath, options?: { key?: boolean }): Position => {
    const offset = offsetOf(doc, path, options?.key === true);
    return offset === undefined ? { ...startOfFile, line: startOfFile.line + lineOffset } : pos(offset);
  };
  return { parsed: { file, value, at }, diagnostics };
}

/** Walks the document along `path`; returns the start of the deepest node found. */
function offsetOf(doc: Document, path: ValuePath, wantKey: boolean): number | undefined {
  let node: unknown = doc.contents;
  let offset = rangeStart(node);
  for (let i = 0; i < path.length; i++) {
    const step = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(step));
      if (!pair) return offset;
      if (last && wantKey) return rangeStart(pair.key) ?? offset;
      node = pair.value;
      offset = rangeStart(node) ?? rangeStart(pair.key) ?? offset;
    } else if (isSeq(node) && typeof step === "number") {
      node = node.items[step];
      if (node === undefined) return offset;
      offset = rangeStart(node) ?? offset;
    } else return offset;
  }
  return offset;
}

/**
 * The text of the scalar at `path` as written (`1.10`, not the number 1.1),
 * for values the Agent Skills reference reads as strings. Parses again: only
 * called for the rare non-string value.
 */
export function scalarSource(text: string, path: ValuePath): string | undefined {
  const node: unknown = parseDocument(text, { uniqueKeys: true }).getIn(path, true);
  return isScalar(node) && typeof node.source === "string" ? node.source : undefined;
}

function rangeStart(node: unknown): number | undefined {
  return isNode(node) ? node.range?.[0] : undefined;
}

/** The parser's message in this product's words where its own would mislead. */
function plainMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof RangeError || /call stack/i.test(message)) return "nesting too deep: a definition file nests a few levels, not thousands";
  if (/parseAllDocuments|multiple documents/i.test(message)) return "a definition file holds one YAML document; remove the second --- (or everything after it)";
  return message.split("\n", 1)[0] ?? message;
}
