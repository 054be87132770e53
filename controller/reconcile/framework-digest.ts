import { createHash } from "node:crypto";
import { join } from "node:path";
import { packageRoot } from "../package-root.js";
import { DirectorySource } from "../source/directory-source.js";

const cache = new Map<string, Promise<string>>();

/**
 * A digest of the framework layer's files. With the workspace tree oid it
 * forms the no-op key: upgrading Nexaas (new framework files) re-plans even
 * when the workspace did not change. The product's files do not change while
 * a process runs, so it is computed once per folder.
 */
export function frameworkDigest(frameworkDir?: string | null): Promise<string> {
  const dir = frameworkDir === undefined ? join(packageRoot, "framework") : frameworkDir;
  if (dir === null) return Promise.resolve("none");
  let digest = cache.get(dir);
  if (!digest) {
    digest = computeDigest(dir);
    cache.set(dir, digest);
  }
  return digest;
}

async function computeDigest(dir: string): Promise<string> {
  const source = new DirectorySource(dir, "framework");
  const entries = (await source.list()).map((e) => e.path).sort();
  const contents = await source.read(entries);
  const hash = createHash("sha256");
  for (const path of entries) {
    const content = contents.get(path) ?? "";
    hash.update(path).update("\0").update(typeof content === "number" ? String(content) : content).update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}
