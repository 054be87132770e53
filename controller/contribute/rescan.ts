import type { Finding } from "./finding.js";
import { type Scanner, scanFile } from "./scan-text.js";

/** A file as it would leave: its path in the product repository and its sanitized text. */
export interface OutgoingFile {
  path: string;
  text: string;
}

/**
 * What the scanner still finds in what would leave: the sanitized texts, and the file
 * names themselves (a placeholder cannot stand in a name, so a hit there must be renamed
 * by hand; such a finding has line 0). Any finding means no patch is written.
 */
export async function findRemaining(files: readonly OutgoingFile[], scanner: Scanner): Promise<Finding[]> {
  const remaining: Finding[] = [];
  for (const { path, text } of files) {
    for (const f of await scanFile(path, path, scanner)) remaining.push({ ...f, line: 0 });
    remaining.push(...(await scanFile(path, text, scanner)));
  }
  return remaining;
}
