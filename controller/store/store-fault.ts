import { statSync } from "node:fs";
import { StoreError } from "./store-error.js";

/**
 * What a failed store operation means for a controller that runs unattended:
 *   transient  the same write may succeed later (the disk fills and empties,
 *              another process holds the write lock, an I/O error passes):
 *              retry with backoff, report, resume by itself;
 *   fatal      the file cannot be trusted or is no longer the file we opened:
 *              stop cleanly;
 *   lock-lost  another controller took the database over (fencing).
 */
export type StoreFault = { kind: "transient" | "fatal" | "lock-lost"; code: string; message: string };

const transient = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|READONLY|CANTOPEN|PROTOCOL)/;
const fatal = /^SQLITE_(CORRUPT|NOTADB)/;

/** The fault a thrown value stands for, or undefined when it is not the store's (a bug, a git error). */
export function storeFault(error: unknown): StoreFault | undefined {
  if (error instanceof StoreError && error.code === "lock-lost") return { kind: "lock-lost", code: error.code, message: error.message };
  if (!(error instanceof Error) || !("code" in error) || typeof error.code !== "string") return undefined;
  const code = error.code;
  if (fatal.test(code)) return { kind: "fatal", code, message: error.message };
  if (transient.test(code)) return { kind: "transient", code, message: error.message };
  return undefined;
}

/** The file a connection opened, by device and inode: a deleted or replaced file no longer matches. */
export interface FileIdentity {
  dev: number;
  ino: number;
}

export function fileIdentity(path: string): FileIdentity | undefined {
  try {
    const stat = statSync(path);
    return { dev: stat.dev, ino: stat.ino };
  } catch {
    return undefined;
  }
}

/**
 * A fatal fault when the database file was deleted or replaced since it was
 * opened: SQLite would go on writing to the unlinked inode, and everything
 * would be lost at stop.
 */
export function fileFault(path: string, opened: FileIdentity): StoreFault | undefined {
  const now = fileIdentity(path);
  if (!now) return { kind: "fatal", code: "file-deleted", message: `the database file ${path} was deleted while the controller ran` };
  if (now.dev !== opened.dev || now.ino !== opened.ino) return { kind: "fatal", code: "file-replaced", message: `the database file ${path} was replaced while the controller ran` };
  return undefined;
}
