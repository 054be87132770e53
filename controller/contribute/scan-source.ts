import { isUtf8 } from "node:buffer";
import type { FileSource } from "../source/file-source.js";
import type { Finding } from "./finding.js";
import { type Identity, readIdentity } from "./identity.js";
import { type ScannerOptions, scanFile, scannerFor } from "./scan-text.js";

/** Files larger than this are not scanned (validate already flags oversize files). */
export const MAX_SCAN_BYTES = 1024 * 1024;

export interface ScanOptions extends ScannerOptions {
  /** Only files equal to or under these workspace-relative paths ("." for all); empty or absent: all. */
  paths?: readonly string[];
  /** Identity to look for; default: the source's own nexaas.yaml `identity`. */
  identity?: Identity;
  /**
   * Also scan data/, exports/ and .env: what a commit adds may be a forced `git add .env`,
   * and everything in a framework folder ships. Default: only the desired state's files.
   */
  includeIgnored?: boolean;
}

export interface ScanResult {
  findings: Finding[];
  /** How many files were read and scanned. */
  scanned: number;
  /** Files passed over: binary, or larger than MAX_SCAN_BYTES. */
  skipped: { file: string; reason: "binary" | "too-large" }[];
}

/** A file equal to or under one of these paths ("." or an empty list: every file). */
export const inPaths = (file: string, paths: readonly string[]): boolean =>
  paths.length === 0 || paths.some((p) => p === "." || p === "" || file === p || file.startsWith(p.endsWith("/") ? p : `${p}/`));

/** A NUL byte in the first 8 KiB: the heuristic git itself uses. */
export const isBinary = (content: Buffer): boolean => content.subarray(0, 8000).includes(0);

/** Scans every text file of a source (never .git or node_modules; data/, exports/ and .env only with includeIgnored), sorted by file, line, column. */
export async function scanSource(source: FileSource, options: ScanOptions = {}): Promise<ScanResult> {
  const identity = options.identity ?? (await readIdentity(source));
  const scanner = scannerFor(identity, options);
  const entries = (await source.list({ includeIgnored: options.includeIgnored })).filter((e) => e.type === "file" && inPaths(e.path, options.paths ?? []));
  const skipped: ScanResult["skipped"] = [];
  const contents = await source.read(
    entries.map((e) => e.path),
    MAX_SCAN_BYTES,
  );
  const findings: Finding[] = [];
  let scanned = 0;
  for (const entry of entries) {
    const content = contents.get(entry.path);
    if (content === undefined) continue;
    if (typeof content === "number") {
      skipped.push({ file: entry.path, reason: "too-large" });
      continue;
    }
    if (isBinary(content)) {
      skipped.push({ file: entry.path, reason: "binary" });
      continue;
    }
    scanned++;
    // A file in another encoding (Latin-1, Windows-1252) is read byte for byte as Latin-1
    // rather than decoded to replacement characters, so "Müller" still reads "Müller".
    const text = isUtf8(content) ? content.toString("utf8") : content.toString("latin1");
    findings.push(...(await scanFile(entry.path, text, scanner)));
  }
  findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column);
  skipped.sort((a, b) => (a.file < b.file ? -1 : 1));
  return { findings, scanned, skipped };
}
