import { accessSync, closeSync, constants, openSync, readSync, statSync } from "node:fs";
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
/**
 * PostgreSQL's that pass (issue 16): the server unreachable or restarting
 * (the socket's errno, SQLSTATE class 08 and 57P01-03), out of disk, memory or
 * connections (class 53), a serialization failure or deadlock (40001, 40P01).
 * The pool reconnects by itself; nothing is fatal, as the data lives on the server.
 */
const transientPostgres = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|08\w{3}|57P0[123]|53\w{3}|40001|40P01)$/;

/** The fault a thrown value stands for, or undefined when it is not the store's (a bug, a git error). */
export function storeFault(error: unknown): StoreFault | undefined {
  if (error instanceof StoreError && error.code === "lock-lost") return { kind: "lock-lost", code: error.code, message: error.message };
  // pg's "Connection terminated (unexpectedly|due to connection timeout)" carries no code.
  if (error instanceof Error && error.message.startsWith("Connection terminated")) return { kind: "transient", code: "connection-terminated", message: error.message };
  if (!(error instanceof Error) || !("code" in error) || typeof error.code !== "string") return undefined;
  const code = error.code;
  if (fatal.test(code)) return { kind: "fatal", code, message: error.message };
  if (transient.test(code) || transientPostgres.test(code)) return { kind: "transient", code, message: error.message };
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
 * What the file itself says, looked at from outside SQLite (which keeps its
 * descriptors and caches its pages, so it would notice none of this):
 *   deleted or replaced since it was opened: fatal, as SQLite would go on
 *     writing to the unlinked inode, and everything would be lost at stop;
 *   its header no longer SQLite's (overwritten, truncated): fatal, as the
 *     pages still cached would be written back over a file gone bad;
 *   no longer writable (chmod, a read-only remount): transient; the open
 *     descriptors could still write, but an operator who took the write
 *     permission away wants no writes, and a restart would fail.
 */
export function fileFault(path: string, opened: FileIdentity): StoreFault | undefined {
  const now = fileIdentity(path);
  if (!now) return { kind: "fatal", code: "file-deleted", message: `the database file ${path} was deleted while the controller ran` };
  if (now.dev !== opened.dev || now.ino !== opened.ino) return { kind: "fatal", code: "file-replaced", message: `the database file ${path} was replaced while the controller ran` };
  const header = headerFault(path);
  if (header) return { kind: "fatal", code: "file-corrupt", message: `the database file ${path} is corrupt: ${header}` };
  for (const file of [path, `${path}-wal`]) {
    const denied = notWritable(file);
    if (denied) return { kind: "transient", code: "file-read-only", message: `the database file ${file} is not writable (${denied}): nothing new is scheduled until it is` };
  }
  return undefined;
}

/** A fault that a write going through ends; the file's own state (read-only) is ended only by looking at the file again. */
export function endedByWrite(fault: StoreFault): boolean {
  return !fault.code.startsWith("file-");
}

const magic = Buffer.from("SQLite format 3\0", "latin1");

/**
 * What is wrong with the first 100 bytes (SQLite's database header), if
 * anything: the bytes checked never change once the file exists, so a read
 * racing a checkpoint cannot see them differ.
 */
function headerFault(path: string): string | undefined {
  const header = Buffer.alloc(100);
  let read: number;
  try {
    read = readSync(headerDescriptor(path), header, 0, 100, 0);
  } catch {
    return undefined; // unreadable now: the next look (or SQLite itself) tells
  }
  if (read < 100) return `its header is cut short (${read} bytes)`;
  if (!header.subarray(0, 16).equals(magic)) return "its header no longer starts with \"SQLite format 3\" (overwritten?)";
  const pageSize = header.readUInt16BE(16);
  const validPageSize = pageSize === 1 || (pageSize >= 512 && pageSize <= 32768 && (pageSize & (pageSize - 1)) === 0);
  // Bytes 21-23 are fixed by the file format: 64, 32, 32.
  if (!validPageSize || header[21] !== 64 || header[22] !== 32 || header[23] !== 32) return "its header holds values SQLite never writes (overwritten?)";
  return undefined;
}

/**
 * One descriptor per database file, opened at the first look and closed only
 * after SQLite has closed the file. Closing any descriptor of a file drops
 * every POSIX lock this process holds on it, SQLite's included: a descriptor
 * opened and closed at each look would let another process's last connection
 * think it was alone, checkpoint and delete the WAL this controller still
 * writes to (SQLite's own VFS defers such closes for the same reason).
 */
const headerDescriptors = new Map<string, number>();

function headerDescriptor(path: string): number {
  let fd = headerDescriptors.get(path);
  if (fd === undefined) {
    fd = openSync(path, "r");
    headerDescriptors.set(path, fd);
  }
  return fd;
}

/** Closes the header descriptor of a database file once SQLite no longer has it open (closeDatabase). */
export function releaseHeaderDescriptor(path: string): void {
  const fd = headerDescriptors.get(path);
  if (fd === undefined) return;
  headerDescriptors.delete(path);
  closeSync(fd);
}

/** Why the file cannot be written, or undefined (also when it does not exist: a missing -wal is not a fault). */
function notWritable(path: string): string | undefined {
  try {
    accessSync(path, constants.W_OK);
    return undefined;
  } catch (error) {
    const code = error instanceof Error && "code" in error ? error.code : undefined;
    return code === "EACCES" || code === "EPERM" || code === "EROFS" ? String(code) : undefined;
  }
}
