import { positionOfOffset } from "../definitions/parsed-file.js";
import { type Detector, type RawMatch, builtinDetectors, identityDetectors, runDetectors, upstreamDetectors } from "./detectors.js";
import { environmentDetectors } from "./env-values.js";
import { type Finding, credentialKinds, maskValue, placeholders } from "./finding.js";
import { type Identity, emptyIdentity } from "./identity.js";
import { secretlintMatches } from "./secretlint-matches.js";

/** A line holding this marker (e.g. in a comment) is never reported. */
export const ALLOW_MARKER = "nexaas:allow";

/** References and placeholders (`${NAME}`, not `${NAME:-default}`; `{{KIND}}`): no finding may sit inside one. */
const referenceSpans = /\$\{[A-Za-z_][A-Za-z0-9_]{0,255}\}|\{\{[^}\s]{1,256}\}\}/g;
/** A UUID, a git SHA, a SHA-256: identifiers, not findings by their shape alone. */
const identifierSpans = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\b[0-9a-f]{40}\b|\b[0-9a-f]{64}\b/gi;
/**
 * Rules that judge a value by what names it (a secret-like key, a URL's userinfo, an
 * Authorization header, the environment), not by its shape: there an identifier-shaped
 * value (`client_secret: <40 hex>`, a UUID API key) is a secret all the same.
 */
const contextualRules = new Set(["generic-api-key", "password-in-url", "connection-string-password", "bearer-token", "authorization-header", "curl-user-password", "environment-value"]);
/** Neutral spans are at most ~260 characters: this much around a match holds any that contains it. */
const NEUTRAL_WINDOW = 300;

/** Detectors for one identity, built once per scan. */
function detectorsFor(identity: Identity = emptyIdentity): Detector[] {
  return [...builtinDetectors, ...identityDetectors(identity)];
}

/** How a scan looks: our detectors (built-in and identity), and whether secretlint's preset runs too. */
export interface Scanner {
  detectors: readonly Detector[];
  secretlint: boolean;
  /** Whether a line holding ALLOW_MARKER is passed over. */
  allowMarker: boolean;
}

export interface ScannerOptions {
  /** Also run secretlint's recommended preset (default true). */
  secretlint?: boolean;
  /**
   * The rules for text going upstream (contribute, and validate on the product's framework/):
   * also any real domain and any company-like name, since no identity lists them there.
   */
  upstream?: boolean;
  /**
   * Honour `nexaas:allow` (default true). contribute does not: the marker silences a
   * false alarm of the local checks, but an allowed value is still the customer's.
   */
  allowMarker?: boolean;
  /** Secret values from the environment to find wherever they appear (see environmentSecrets). */
  environmentValues?: readonly string[];
}

export function scannerFor(identity: Identity = emptyIdentity, options: ScannerOptions = {}): Scanner {
  const detectors = detectorsFor(identity);
  if (options.upstream) detectors.push(...upstreamDetectors);
  if (options.environmentValues) detectors.push(...environmentDetectors(options.environmentValues));
  return { detectors, secretlint: options.secretlint ?? true, allowMarker: options.allowMarker ?? true };
}

/**
 * Findings of one file's text with our own detectors only (synchronous).
 * `start`/`end` of each finding are offsets into `text`.
 */
export function scanText(file: string, text: string, identity: Identity | readonly Detector[] = emptyIdentity): Finding[] {
  const detectors = isDetectorList(identity) ? identity : detectorsFor(identity);
  return toFindings(file, text, ownMatches(text, detectors), [], true);
}

/** Findings of one file's text: our detectors, then secretlint's where ours found nothing. */
export async function scanFile(file: string, text: string, scanner: Scanner): Promise<Finding[]> {
  const own = ownMatches(text, scanner.detectors);
  const extra = scanner.secretlint && text.length > 0 ? await secretlintMatches(file, text) : [];
  return toFindings(file, text, own, extra, scanner.allowMarker);
}

const isDetectorList = (v: Identity | readonly Detector[]): v is readonly Detector[] => Array.isArray(v);

const ownMatches = (text: string, detectors: readonly Detector[]): RawMatch[] => runDetectors(text, detectors);

/**
 * Overlapping spans: among our own matches the longest wins (on a tie, the rule listed
 * first); secretlint's fill in where ours found nothing, since ours are narrower (a
 * password, not the whole URL). A line with ALLOW_MARKER (unless the scanner says not) is
 * not reported, nor identity data in the `identity` block of the root nexaas.yaml.
 */
function toFindings(file: string, text: string, own: RawMatch[], extra: RawMatch[], allowMarker: boolean): Finding[] {
  if (own.length === 0 && extra.length === 0) return [];
  const lineStarts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lineStarts.push(i + 1);
  // nexaas.yaml's identity block declares the names: no identity finding there, but a
  // credential pasted into it is still one.
  const identity = file === "nexaas.yaml" ? identityBlockLines(text.split("\n")) : new Set<number>();
  const skip = new Set(identity);
  if (allowMarker) {
    for (let i = text.indexOf(ALLOW_MARKER); i !== -1; i = text.indexOf(ALLOW_MARKER, i + 1)) skip.add(positionOfOffset(lineStarts, i).line - 1);
  }
  const usable = (m: RawMatch): boolean => !insideNeutralSpan(text, m);
  const kept = resolveOverlaps(own.filter(usable));
  const merged = [...kept, ...withoutOverlap(resolveOverlaps(extra.filter(usable)), kept)].sort((a, b) => a.start - b.start);
  const findings: Finding[] = [];
  for (const m of merged) {
    const { line, column } = positionOfOffset(lineStarts, m.start);
    if (skip.has(line - 1) && !(identity.has(line - 1) && credentialKinds.has(m.kind))) continue;
    findings.push({
      file,
      line,
      column,
      kind: m.kind,
      rule: m.rule,
      placeholder: placeholders[m.kind],
      start: m.start,
      end: m.end,
      masked: maskValue(text.slice(m.start, m.end)),
    });
  }
  return findings;
}

/**
 * Whether a match lies inside a reference or placeholder, or (for a rule that judges
 * shapes) inside an identifier. Only a window around the match is searched, so a long
 * line with many matches stays linear.
 */
function insideNeutralSpan(text: string, m: RawMatch): boolean {
  const from = Math.max(0, m.start - NEUTRAL_WINDOW);
  const window = text.slice(from, Math.min(text.length, m.end + NEUTRAL_WINDOW));
  const contains = (pattern: RegExp): boolean => {
    for (const n of window.matchAll(pattern)) if (m.start >= from + n.index && m.end <= from + n.index + n[0].length) return true;
    return false;
  };
  return contains(referenceSpans) || (!contextualRules.has(m.rule) && contains(identifierSpans));
}

/**
 * Overlapping matches: the longest wins (on a tie, the rule listed first). Matches are
 * grouped into runs that overlap one another, and only within a run are lengths compared,
 * so many matches cost n log n.
 */
function resolveOverlaps(matches: RawMatch[]): RawMatch[] {
  const sorted = matches.map((m, i) => ({ m, i })).sort((a, b) => a.m.start - b.m.start || a.i - b.i);
  const out: RawMatch[] = [];
  let run: { m: RawMatch; i: number }[] = [];
  let runEnd = -1;
  const flush = (): void => {
    if (run.length === 1 && run[0]) out.push(run[0].m);
    else if (run.length > 1) {
      const kept: RawMatch[] = [];
      for (const { m } of run.sort((a, b) => b.m.end - b.m.start - (a.m.end - a.m.start) || a.i - b.i)) {
        if (!kept.some((k) => m.start < k.end && k.start < m.end)) kept.push(m);
      }
      out.push(...kept);
    }
    run = [];
  };
  for (const x of sorted) {
    if (x.m.start >= runEnd) flush();
    run.push(x);
    runEnd = Math.max(runEnd, x.m.end);
  }
  flush();
  return out;
}

/** The matches that overlap none of `kept` (which must not overlap one another). */
function withoutOverlap(matches: RawMatch[], kept: RawMatch[]): RawMatch[] {
  const byStart = [...kept].sort((a, b) => a.start - b.start);
  return matches.filter((m) => {
    // The first kept span that ends after m starts is the only one that can overlap it.
    let lo = 0;
    let hi = byStart.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((byStart[mid]?.end ?? 0) <= m.start) lo = mid + 1;
      else hi = mid;
    }
    const k = byStart[lo];
    return !k || k.start >= m.end;
  });
}

/** Line indexes of a top-level `identity:` mapping (its key line and every indented, blank or comment line under it). */
function identityBlockLines(lines: string[]): Set<number> {
  const out = new Set<number>();
  let inBlock = false;
  lines.forEach((line, i) => {
    if (/^identity\s*:/.test(line)) {
      inBlock = true;
      out.add(i);
      return;
    }
    if (inBlock && (line.trim() === "" || /^[\s#]/.test(line))) out.add(i);
    else inBlock = false;
  });
  return out;
}
