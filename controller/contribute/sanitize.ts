import { type Finding, type FindingKind, secretKinds } from "./finding.js";
import { type Identity } from "./identity.js";
import { type Scanner, scannerFor } from "./scan-text.js";

/**
 * The scanner for text going upstream: the upstream rules, and `nexaas:allow` ignored
 * (it silences a false alarm of the local checks; an allowed value is still the customer's).
 */
export const upstreamScanner = (identity: Identity, environmentValues: readonly string[] = []): Scanner =>
  scannerFor(identity, { upstream: true, allowMarker: false, environmentValues });

/** One replacement, as the report shows it: where and what kind, never the value. */
export interface Replacement {
  line: number;
  kind: FindingKind;
  placeholder: string;
}

/**
 * Hands out placeholders for one export: the same value gets the same placeholder in
 * every file, and distinct values of one placeholder get `{{KIND}}`, `{{KIND_2}}`, …
 * The value → placeholder map lives in memory only: values are never written anywhere.
 */
export class PlaceholderAllocator {
  private readonly byValue = new Map<string, string>();
  private readonly counts = new Map<string, number>();

  placeholderFor(kind: FindingKind, base: string, value: string): string {
    const key = `${base}\0${valueKey(kind, value)}`;
    const known = this.byValue.get(key);
    if (known) return known;
    const n = (this.counts.get(base) ?? 0) + 1;
    this.counts.set(base, n);
    const placeholder = n === 1 ? base : base.replace(/\}\}$/, `_${n}}}`);
    this.byValue.set(key, placeholder);
    return placeholder;
  }
}

/** Kinds that name a company, a person or a domain: one of them may be written several ways. */
const identityKinds: ReadonlySet<FindingKind> = new Set(["company_name", "person", "domain"]);

/**
 * What makes two values one for the allocator. Secrets differ when any character does;
 * "Globex" and "GLOBEX" are one company, and so are "Müller Öl" and "müller-öl": an
 * identity value ignores case and runs of spaces, dots, hyphens and underscores.
 */
function valueKey(kind: FindingKind, value: string): string {
  if (secretKinds.has(kind)) return value;
  const lower = value.toLowerCase();
  return identityKinds.has(kind) ? lower.replace(/[\s._-]+/g, "") : lower;
}

/**
 * Replaces each finding's span (offsets into `text`, sorted, non-overlapping) with its
 * placeholder. Built left to right so each replacement's line is its line in the result:
 * a multi-line value (a PEM block) shortens the text below it.
 */
export function sanitizeText(text: string, findings: readonly Finding[], allocator: PlaceholderAllocator): { text: string; replacements: Replacement[] } {
  let out = "";
  let at = 0;
  let line = 1;
  const replacements: Replacement[] = [];
  for (const f of findings) {
    const before = text.slice(at, f.start);
    out += before;
    line += countNewlines(before);
    const placeholder = allocator.placeholderFor(f.kind, f.placeholder, text.slice(f.start, f.end));
    out += placeholder;
    replacements.push({ line, kind: f.kind, placeholder });
    at = f.end;
  }
  return { text: out + text.slice(at), replacements };
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf("\n"); i !== -1; i = s.indexOf("\n", i + 1)) n++;
  return n;
}
