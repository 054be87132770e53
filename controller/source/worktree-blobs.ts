import { createHash } from "node:crypto";
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { join } from "node:path";

// Never follow a symlink, never wait on a FIFO: such a path is left to git.
const openFlags = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * Blobs the working tree already holds. A staged file is most often the same
 * bytes as the file on disk, and reading ~1,000 small files costs a fraction of
 * what `git cat-file` takes to inflate as many loose objects. A file counts only
 * when its git object id (the hash of `blob <size>\0<content>`) is the oid asked
 * for, so the content is exactly the blob's: an unstaged edit, a line-ending
 * filter, a symlink or a file larger than `maxBytes` is simply left to git.
 */
export function readWorktreeBlobs(dir: string, wanted: readonly { path: string; oid: string }[], maxBytes: number): Map<string, Buffer> {
  const found = new Map<string, Buffer>();
  for (const { path, oid } of wanted) {
    if (found.has(oid)) continue; // the same content at two paths
    const content = readRegularFile(join(dir, path), maxBytes);
    if (content && blobId(content, oid.length) === oid) found.set(oid, content);
  }
  return found;
}

function readRegularFile(file: string, maxBytes: number): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, openFlags);
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > maxBytes) return undefined;
    const content = Buffer.allocUnsafe(stat.size);
    let at = 0;
    while (at < content.length) {
      const n = readSync(fd, content, at, content.length - at, at);
      if (n === 0) return undefined; // shrank while read: git decides
      at += n;
    }
    return content;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** git's id of a blob: SHA-1, or SHA-256 in a repository with 64-digit object ids. */
function blobId(content: Buffer, oidLength: number): string {
  return createHash(oidLength === 64 ? "sha256" : "sha1")
    .update(`blob ${content.length}\0`)
    .update(content)
    .digest("hex");
}
