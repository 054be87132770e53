/** A path into a parsed value: object keys and array indexes. */
export type ValuePath = readonly (string | number)[];

export interface Position {
  line: number;
  column: number;
}

/**
 * One parsed workspace file: its value and a way back from a place in the
 * value to a line and column in the text, so every diagnostic points at the
 * node that caused it.
 */
export interface ParsedFile<T = unknown> {
  /** Path relative to the workspace root. */
  file: string;
  value: T;
  /** Where the value at `path` starts; `key: true` points at the mapping key instead. */
  at(path: ValuePath, options?: { key?: boolean }): Position;
}

export const startOfFile: Position = { line: 1, column: 1 };

/** Line and column (1-based) of a character offset, given the offsets where lines start. */
export function positionOfOffset(lineStarts: readonly number[], offset: number): Position {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((lineStarts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - (lineStarts[lo] ?? 0) + 1 };
}
