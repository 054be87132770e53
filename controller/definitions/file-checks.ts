import { posix } from "node:path";
import type { Diagnostic } from "./diagnostic.js";

/** Largest definition file read. Real definitions are a few KB; this bounds memory and time. */
export const maxFileBytes = 1024 * 1024;

const at1 = (file: string, rule: string, message: string): Diagnostic => ({
  file,
  line: 1,
  column: 1,
  rule,
  severity: "error",
  message,
});

export function checkSize(file: string, size: number): Diagnostic | undefined {
  if (size <= maxFileBytes) return undefined;
  return at1(file, "file-too-large", `file is ${size} bytes; definition files are limited to ${maxFileBytes} bytes`);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Binary content: a NUL byte (git's own test) or bytes that are not UTF-8. */
export function checkText(file: string, content: Buffer): { text?: string; diagnostic?: Diagnostic } {
  if (content.subarray(0, 8000).includes(0)) return { diagnostic: at1(file, "binary-file", "binary file where a text definition is expected") };
  try {
    return { text: utf8.decode(content).replace(/^\uFEFF/, "") };
  } catch {
    return { diagnostic: at1(file, "binary-file", "file is not UTF-8 text") };
  }
}

/**
 * Where a symlink points, as a workspace path, or undefined when it leaves the
 * workspace (absolute, or climbing above the root).
 */
export function symlinkTarget(path: string, target: string): string | undefined {
  if (posix.isAbsolute(target) || /^[A-Za-z]:[\\/]/.test(target)) return undefined;
  const resolved = posix.normalize(posix.join(posix.dirname(path), target));
  if (resolved === ".." || resolved.startsWith("../")) return undefined;
  return resolved;
}

export function symlinkEscape(path: string, target: string): Diagnostic {
  return at1(path, "symlink-escape", `symlink points outside the workspace (${target}); the controller only reads files inside it`);
}
