import { type Detector, type RawMatch, builtinDetectors, identityDetectors, runDetectors } from "./detectors.js";
import { type Finding, maskValue, placeholders } from "./finding.js";
import { type Identity, emptyIdentity } from "./identity.js";

/** A line holding this marker (e.g. in a comment) is never reported. */
export const ALLOW_MARKER = "nexaas:allow";

/** Spans that are never findings, and that no finding may sit inside: references, placeholders, UUIDs, git SHAs. */
const neutralSpans = /\$\{[^}\s]*\}|\{\{[^}\s]*\}\}|\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\b[0-9a-f]{40}\b|\b[0-9a-f]{64}\b/gi;

/** Detectors for one identity, built once per scan. */
export function detectorsFor(identity: Identity = emptyIdentity): Detector[] {
  return [...builtinDetectors, ...identityDetectors(identity)];
}

/**
 * Findings of one file's text. Overlapping spans keep the longest (on a tie, the rule
 * listed first); the `identity` block of the root nexaas.yaml is where the names are
 * declared, so it is not reported.
 */
export function scanText(file: string, text: string, identity: Identity | Detector[] = emptyIdentity): Finding[] {
  const detectors = Array.isArray(identity) ? identity : detectorsFor(identity);
  const lines = text.split(/\r?\n/);
  const skip = file === "nexaas.yaml" ? identityBlockLines(lines) : new Set<number>();
  const findings: Finding[] = [];
  lines.forEach((line, i) => {
    if (skip.has(i) || line.includes(ALLOW_MARKER)) return;
    for (const m of pickLongest(dropNeutral(line, runDetectors(line, detectors)))) {
      findings.push({
        file,
        line: i + 1,
        column: m.start + 1,
        kind: m.kind,
        rule: m.rule,
        placeholder: placeholders[m.kind],
        start: m.start,
        end: m.end,
        masked: maskValue(line.slice(m.start, m.end)),
      });
    }
  });
  return findings;
}

function dropNeutral(line: string, matches: RawMatch[]): RawMatch[] {
  if (matches.length === 0) return matches;
  const neutral = [...line.matchAll(neutralSpans)].map((m) => [m.index, m.index + m[0].length] as const);
  return matches.filter((m) => !neutral.some(([s, e]) => m.start >= s && m.end <= e));
}

/** Longest span first; a span overlapping one already kept is dropped. Result in line order. */
function pickLongest(matches: RawMatch[]): RawMatch[] {
  const order = matches.map((m, i) => ({ m, i })).sort((a, b) => b.m.end - b.m.start - (a.m.end - a.m.start) || a.i - b.i);
  const kept: RawMatch[] = [];
  for (const { m } of order) if (!kept.some((k) => m.start < k.end && k.start < m.end)) kept.push(m);
  return kept.sort((a, b) => a.start - b.start);
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
