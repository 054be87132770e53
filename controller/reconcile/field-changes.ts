import { isRecord } from "../definitions/is-record.js";
import { createTwoFilesPatch } from "diff";

/** One changed leaf of a spec. A multi-line text has neither before nor after: its diff is in text_diffs. */
export interface FieldChange {
  /** Dotted and indexed, e.g. "action.steps[1].prompt"; keys that are not identifiers are quoted: headers["X-Key"]. */
  path: string;
  before?: unknown;
  after?: unknown;
}

export interface TextDiff {
  field: string;
  /** A unified diff with a/ b/ headers (or /dev/null for a text that appears or goes). */
  patch: string;
}

export interface SpecDiff {
  fields: FieldChange[];
  text_diffs: TextDiff[];
}

/**
 * Which file a text field lives in, for the patch headers. `label` names the
 * field when the file holds more than that text (a prompt inside a flow's YAML).
 */
export type TextFileOf = (path: string) => { file: string; label?: string };

const absent = Symbol("absent");
type Side = unknown;

/**
 * The leaf-level differences between two specs (undefined: the object does not
 * exist on that side, so every leaf of the other is listed). Objects are
 * compared by key, arrays of objects by index; an array of plain scalars is one
 * value (`skills: ["a"] -> ["a", "b"]` reads better than an index per element).
 */
export function diffSpecs(before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined, textFileOf: TextFileOf): SpecDiff {
  const out: SpecDiff = { fields: [], text_diffs: [] };
  const ctx = { out, textFileOf, created: before === undefined, deleted: after === undefined };
  walk(ctx, "", before ?? absent, after ?? absent);
  return out;
}

interface WalkContext {
  out: SpecDiff;
  textFileOf: TextFileOf;
  created: boolean;
  deleted: boolean;
}

function walk(ctx: WalkContext, path: string, before: Side, after: Side): void {
  if (before !== absent && after !== absent && deepEqual(before, after)) return;
  if (isMultiline(before) || isMultiline(after)) return textChange(ctx, path, before, after);
  const beforeObject = objectOrAbsent(before);
  const afterObject = objectOrAbsent(after);
  if (beforeObject && afterObject) {
    const keys = [...new Set([...Object.keys(afterObject), ...Object.keys(beforeObject)])];
    if (keys.length > 0) {
      for (const key of keys) walk(ctx, joinKey(path, key), key in beforeObject ? beforeObject[key] : absent, key in afterObject ? afterObject[key] : absent);
      return;
    }
  }
  const beforeArray = arrayOrAbsent(before);
  const afterArray = arrayOrAbsent(after);
  if (beforeArray && afterArray && (hasStructure(before) || hasStructure(after))) {
    for (let i = 0; i < Math.max(afterArray.length, beforeArray.length); i++) {
      walk(ctx, `${path}[${i}]`, i < beforeArray.length ? beforeArray[i] : absent, i < afterArray.length ? afterArray[i] : absent);
    }
    return;
  }
  const change: FieldChange = { path };
  if (before !== absent) change.before = before;
  if (after !== absent) change.after = after;
  ctx.out.fields.push(change);
}

function textChange(ctx: WalkContext, path: string, before: Side, after: Side): void {
  const { file, label } = ctx.textFileOf(path);
  const oldName = ctx.created ? "/dev/null" : `a/${file}`;
  const newName = ctx.deleted ? "/dev/null" : `b/${file}`;
  let oldText = asText(before);
  let newText = asText(after);
  // A field value usually lacks the final newline a file has; adding it keeps
  // "\ No newline at end of file" out of every patch, unless that is the change.
  if (withNewline(oldText) !== withNewline(newText)) {
    oldText = withNewline(oldText);
    newText = withNewline(newText);
  }
  const patch = createTwoFilesPatch(oldName, newName, oldText, newText, label, label, {
    context: 3,
    headerOptions: { includeIndex: false, includeUnderline: false, includeFileHeaders: true },
  });
  ctx.out.fields.push({ path });
  ctx.out.text_diffs.push({ field: path, patch });
}

function asText(value: Side): string {
  if (value === absent) return "";
  return typeof value === "string" ? value : JSON.stringify(value, null, 2);
}

const withNewline = (text: string): string => (text === "" || text.endsWith("\n") ? text : `${text}\n`);

const isMultiline = (value: Side): boolean => typeof value === "string" && value.includes("\n");

/** An object side, or an empty one for a side where the field is absent; undefined for anything else. */
const objectOrAbsent = (value: Side): Record<string, unknown> | undefined => (value === absent ? {} : isRecord(value) ? value : undefined);

/** An array side, or an empty one for a side where the field is absent; undefined for anything else. */
const arrayOrAbsent = (value: Side): readonly unknown[] | undefined => (value === absent ? [] : Array.isArray(value) ? value : undefined);

function hasStructure(value: Side): boolean {
  return Array.isArray(value) && value.some((v) => (v !== null && typeof v === "object") || isMultiline(v));
}

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

function joinKey(path: string, key: string): string {
  if (!identifier.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === "" ? key : `${path}.${key}`;
}

/** Structural equality of JSON values; key order does not matter. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}
