/**
 * Finders of secrets that span more than a token: a PEM private-key block, and
 * the values of a Kubernetes Secret's `data`. Each returns the spans to replace;
 * detectors.ts pairs them with the header line that makes a scan look further.
 */

export const pemHeader = /-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----/g;
const pemFooter = /-----END ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----/g;
/** A line of key material, whatever prefixes it (a YAML comment, a Markdown quote, a JSON string). */
const keyMaterialLine = /[A-Za-z0-9+/=]{16,}/;

/**
 * Whole PEM private-key blocks, one span each: BEGIN to its END line (within 64 KiB),
 * whatever each line carries before it; without an END, the header and the lines of key
 * material that follow. A block with too little key material is a sample. Headers and
 * footers are each found in one pass, so many headers cost linear time.
 */
export function privateKeyBlocks(text: string): [number, number][] {
  const footers = [...text.matchAll(pemFooter)].map((m) => ({ label: m[1], start: m.index, end: m.index + m[0].length }));
  const spans: [number, number][] = [];
  let from = 0; // a header inside a block already taken is part of it
  let next = 0; // the first footer after the current header (both lists are in text order)
  for (const h of text.matchAll(pemHeader)) {
    if (h.index < from) continue;
    const headerEnd = h.index + h[0].length;
    while (next < footers.length && (footers[next]?.start ?? 0) < headerEnd) next++;
    let footer: (typeof footers)[number] | undefined;
    for (let i = next; i < footers.length; i++) {
      const f = footers[i];
      if (!f || f.start - headerEnd > 65536) break;
      if (f.label === h[1]) {
        footer = f;
        break;
      }
    }
    let end = footer?.end ?? headerEnd;
    if (!footer) {
      // No END: the following lines that carry key material go too.
      for (let nl = text.indexOf("\n", end); nl !== -1; nl = text.indexOf("\n", end)) {
        const lineEnd = text.indexOf("\n", nl + 1);
        const line = text.slice(nl + 1, lineEnd === -1 ? text.length : lineEnd);
        if (!keyMaterialLine.test(line)) break;
        end = lineEnd === -1 ? text.length : lineEnd;
      }
    }
    const material = text.slice(headerEnd, footer?.start ?? end).match(/[A-Za-z0-9+/]/g)?.length ?? 0;
    if (footer && material < 64) continue; // "-----BEGIN PRIVATE KEY-----\nanything\n-----END…"
    spans.push([h.index, end]);
    from = end;
  }
  return spans;
}


/** One `key: value` line of a YAML mapping: its indentation, and the value's span (quotes excluded). */
const yamlEntry = /^([ \t]*)(?:["'][^"'\n]*["']|[^\s:#"'][^:\n]*?)[ \t]*:(?:[ \t]+(["']?)([^\n]*?)\2)?[ \t]*$/;
/** A value of a Secret's `data`: base64, long enough to hold more than a word ("YWRtaW4=" is "admin"). */
const secretDataValue = /^[A-Za-z0-9+/]{10,}={0,2}$/;
/** `kind: Secret`, the whole line (not ExternalSecret, SopsSecret…). */
export const secretKindLine = /^[ \t]*["']?kind["']?[ \t]*:[ \t]*["']?secret["']?[ \t]*$/im;

/**
 * The values under `data:` of each Kubernetes `kind: Secret` document (YAML documents split on
 * `---`): base64 by definition, so secrets whatever their keys are named. A block scalar
 * (`|` or `>`) gives each line of its body. `kind` and `data` are siblings, in either order.
 */
export function kubernetesSecretData(text: string): [number, number][] {
  const spans: [number, number][] = [];
  if (!secretKindLine.test(text)) return spans;
  const lines = text.split("\n");
  const starts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    starts.push(offset);
    offset += line.length + 1;
  }
  const indentOf = (line: string): number => (/^[ \t]*/.exec(line)?.[0].length ?? 0);
  let docStart = 0;
  for (let i = 0; i <= lines.length; i++) {
    if (i < lines.length && !/^---(?:[ \t]|$)/.test(lines[i] ?? "")) continue;
    const doc = lines.slice(docStart, i);
    const kindAt = doc.findIndex((l) => secretKindLine.test(l));
    const dataAt = doc.findIndex((l) => /^[ \t]*["']?data["']?[ \t]*:[ \t]*$/.test(l));
    if (kindAt >= 0 && dataAt >= 0 && indentOf(doc[kindAt] ?? "") <= indentOf(doc[dataAt] ?? "")) {
      const dataIndent = indentOf(doc[dataAt] ?? "");
      let block = -1; // inside a block scalar: the indentation of its key
      for (let j = dataAt + 1; j < doc.length; j++) {
        const line = doc[j] ?? "";
        if (line.trim() === "" || line.trim().startsWith("#")) continue;
        const indent = indentOf(line);
        if (indent <= dataIndent) break;
        const at = starts[docStart + j] ?? 0;
        if (block >= 0 && indent > block) {
          const body = line.trim();
          if (secretDataValue.test(body)) spans.push([at + indent, at + indent + body.length]);
          continue;
        }
        block = -1;
        const entry = yamlEntry.exec(line);
        const value = entry?.[3] ?? "";
        if (value === "|" || value === ">" || /^[|>][+-]?$/.test(value)) block = indent;
        else if (secretDataValue.test(value)) {
          const start = line.lastIndexOf(value);
          spans.push([at + start, at + start + value.length]);
        }
      }
    }
    docStart = i + 1;
  }
  return spans;
}
