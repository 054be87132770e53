import { createHash } from "node:crypto";

/**
 * The bytes of validate-cache.ts's file, with no fs: blobs by oid and remembered
 * YAML checks by key, each entry an opaque byte string.
 *
 *   nexaas-validate-cache 1 <sha1 of everything after this line>\n
 *   {"key": ..., "blobs": [[oid, length], ...], "checks": [[key, length], ...]}\n
 *   <the blobs' bytes, then the checks' bytes, in header order>
 *
 * Reading takes slices of the one file buffer (no copy). The digest makes a damaged
 * file (a torn write on a full disk, a bit flip) read as no cache at all, never as
 * entries that point at the wrong bytes.
 */
export interface CacheContents {
  /** Whatever the results depend on (format, product build, Node): a file written under another key is not read. */
  key: string;
  blobs: Map<string, Buffer>;
  checks: Map<string, Buffer>;
}

const magic = "nexaas-validate-cache 1 ";

export function encodeCache(contents: CacheContents): Buffer {
  const blobs = [...contents.blobs];
  const checks = [...contents.checks];
  const header = JSON.stringify({ key: contents.key, blobs: blobs.map(([oid, b]) => [oid, b.length]), checks: checks.map(([key, b]) => [key, b.length]) });
  const body = Buffer.concat([Buffer.from(`${header}\n`), ...blobs.map(([, b]) => b), ...checks.map(([, b]) => b)]);
  return Buffer.concat([Buffer.from(`${magic}${digest(body)}\n`), body]);
}

/** The contents, or undefined for a file that is not a cache of this key (another version, or damaged). */
export function decodeCache(data: Buffer, key: string): CacheContents | undefined {
  const firstLine = data.indexOf(10);
  if (firstLine < 0 || data.toString("latin1", 0, magic.length) !== magic) return undefined;
  const body = data.subarray(firstLine + 1);
  if (data.toString("latin1", magic.length, firstLine) !== digest(body)) return undefined;
  const headerEnd = body.indexOf(10);
  if (headerEnd < 0) return undefined;
  let header: unknown;
  try {
    header = JSON.parse(body.toString("utf8", 0, headerEnd));
  } catch {
    return undefined;
  }
  if (!isHeader(header) || header.key !== key) return undefined;
  let at = headerEnd + 1;
  const slices = (entries: [string, number][]): Map<string, Buffer> =>
    new Map(
      entries.map(([name, length]) => {
        const slice = body.subarray(at, at + length);
        at += length;
        return [name, slice];
      }),
    );
  const blobs = slices(header.blobs);
  const checks = slices(header.checks);
  return at === body.length ? { key, blobs, checks } : undefined;
}

const digest = (body: Buffer): string => createHash("sha1").update(body).digest("hex");

interface Header {
  key: string;
  blobs: [string, number][];
  checks: [string, number][];
}

function isHeader(value: unknown): value is Header {
  if (typeof value !== "object" || value === null) return false;
  const h: Partial<Record<keyof Header, unknown>> = value;
  return typeof h.key === "string" && isEntryList(h.blobs) && isEntryList(h.checks);
}

function isEntryList(value: unknown): value is [string, number][] {
  return Array.isArray(value) && value.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === "string" && Number.isSafeInteger(e[1]) && e[1] >= 0);
}
