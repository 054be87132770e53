import { createHash, randomUUID } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { readPackageVersion } from "../package-root.js";
import { git } from "../source/git.js";
import type { BlobStore } from "../source/git-source.js";
import type { SchemaKind, SchemaValue } from "./check-schema.js";
import { type CheckedYaml, checkYamlFile, lazyParsedFile } from "./check-yaml-file.js";
import { isDiagnostic } from "./diagnostic.js";
import type { CheckYamlFor } from "./parse-layer.js";
import { type CacheContents, decodeCache, encodeCache } from "./validate-cache-file.js";

/** The largest blob kept. */
const maxKeptBlobBytes = 64 * 1024;

/** A hash of the bundled CLI, set by scripts/bundle-cli.mjs; undefined when run from source. */
declare const __NEXAAS_BUILD_ID__: string | undefined;

/**
 * What `validate --staged` and `--revision` keep between runs, under the repository's
 * git folder (never in the working tree): the blobs read, and each YAML check's result
 * (value and diagnostics) by blob oid. A pre-commit hook then reads and parses only the
 * files changed since the cache was written: on 1,000 definitions, js-yaml and
 * `git cat-file` were most of the hook's time. Cross-file rules still run over every
 * file, and a position a rule asks for is parsed from the kept text, so the diagnostics
 * are the same with or without the cache.
 *
 * An oid names content, so an entry never goes stale under the same code; the file's
 * key names the build, so another build ignores the file. A missing, damaged or foreign
 * file reads as empty and is rewritten; writes go to a temporary file renamed into
 * place, so two hooks at once leave one whole file. A write keeps only what its run
 * used, so the file stays the size of the workspace.
 */
export class ValidateCache implements BlobStore {
  private readonly loading: Promise<{ file: string; contents: CacheContents } | undefined>;
  /** Entries used or added by this run: what the next file holds. */
  private readonly blobs = new Map<string, Buffer>();
  private readonly checks = new Map<string, Buffer>();
  /** How many of those the file did not hold. */
  private added = 0;

  private constructor(
    dir: string,
    private readonly key: string,
  ) {
    // No cache (not a repository, unreadable) only costs speed: git's own error, if any, comes from the validation.
    this.loading = load(dir, key).catch(() => undefined);
  }

  /** Starts reading the cache of the workspace at `dir`; nothing waits for it until a blob or a check is asked for. */
  static open(dir: string, key = cacheKey()): ValidateCache {
    return new ValidateCache(dir, key);
  }

  async get(oids: readonly string[]): Promise<Map<string, Buffer>> {
    const kept = (await this.loading)?.contents.blobs;
    const found = new Map<string, Buffer>();
    for (const oid of kept ? oids : []) {
      const blob = kept?.get(oid);
      if (blob === undefined) continue;
      found.set(oid, blob);
      this.blobs.set(oid, blob);
    }
    return found;
  }

  add(oid: string, blob: Buffer): void {
    // Definitions are a few KB. A larger file (a skill's data, say) is read again at each
    // run (from the working tree, else git) rather than copied here: the cache stays about
    // the size of the definitions.
    if (blob.length > maxKeptBlobBytes) return;
    if (!this.blobs.has(oid)) this.added++;
    this.blobs.set(oid, blob);
  }

  /** checkYamlFile for a file, answered from the cache when its oid was checked before (files without an oid are checked as usual). */
  async checkFor(): Promise<CheckYamlFor> {
    const loaded = await this.loading;
    if (!loaded) return () => checkYamlFile;
    const kept = loaded.contents.checks;
    return (f) => {
      const oid = f.oid;
      if (oid === undefined) return checkYamlFile;
      return <K extends SchemaKind>(file: string, text: string, kind: K, lineOffset = 0): CheckedYaml<SchemaValue<K>> => {
        // The text is the file's, or its front matter cut the same way each time: the length only guards that.
        const key = `${oid} ${kind} ${lineOffset} ${text.length} ${file}`;
        const entry = kept.get(key);
        const hit = entry && fromEntry(entry, file, text, kind, lineOffset);
        if (entry && hit) {
          this.checks.set(key, entry);
          return hit;
        }
        const result = checkYamlFile(file, text, kind, lineOffset);
        const fresh = toEntry(result);
        if (fresh) {
          if (!this.checks.has(key)) this.added++;
          this.checks.set(key, fresh);
        }
        return result;
      };
    };
  }

  /**
   * Writes what this run used and added, when that differs enough from what the file holds.
   * Rewriting the file costs about what parsing a thirtieth of its entries does, so a commit
   * that changes a file or two leaves it as it is and the next run parses those again; the
   * file is rewritten once the changes add up to a thirty-second of it. Never fails: a cache
   * that cannot be written only costs speed.
   */
  async save(): Promise<void> {
    const loaded = await this.loading;
    if (!loaded) return;
    const { file, contents } = loaded;
    const used = this.blobs.size + this.checks.size;
    const unused = contents.blobs.size + contents.checks.size - (used - this.added);
    const changes = this.added + unused;
    if (changes === 0 || changes * 32 < used) return;
    const temp = `${file}.${randomUUID()}.tmp`;
    try {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(temp, encodeCache({ key: this.key, blobs: this.blobs, checks: this.checks }));
      await rename(temp, file);
    } catch {
      await rm(temp, { force: true }).catch(() => undefined);
    }
  }
}

/**
 * What every cached result depends on besides the file's content: the cache format,
 * the product's code (the bundle's hash; from source, as in tests, its version) and Node.
 */
export function cacheKey(): string {
  const build = typeof __NEXAAS_BUILD_ID__ === "string" ? __NEXAAS_BUILD_ID__ : "source";
  return `format 1; nexaas ${readPackageVersion()}; build ${build}; node ${process.version}`;
}

/** The cache file of the workspace at `dir`: one per workspace folder of the repository, in its git folder. */
export async function cacheFile(dir: string): Promise<string> {
  const [gitDir = ".git", prefix = ""] = (await git(dir, ["rev-parse", "--git-dir", "--show-prefix"])).toString().split("\n");
  const name = prefix === "" ? "validate-cache" : `validate-cache-${createHash("sha1").update(prefix).digest("hex").slice(0, 12)}`;
  return join(resolve(dir, gitDir), "nexaas", name);
}

async function load(dir: string, key: string): Promise<{ file: string; contents: CacheContents }> {
  const file = await cacheFile(dir);
  const data = await readFile(file).catch(() => undefined);
  const contents = (data && decodeCache(data, key)) ?? { key, blobs: new Map(), checks: new Map() };
  return { file, contents };
}

/** A check's result as stored: diagnostics, and the value when the file is valid. Undefined when the value would not read back the same. */
function toEntry(result: CheckedYaml): Buffer | undefined {
  if (result.value !== undefined && !isPlainJson(result.value)) return undefined;
  return Buffer.from(JSON.stringify({ d: result.diagnostics, v: result.value }));
}

function fromEntry<K extends SchemaKind>(entry: Buffer, file: string, text: string, kind: K, lineOffset: number): CheckedYaml<SchemaValue<K>> | undefined {
  let stored: unknown;
  try {
    stored = JSON.parse(entry.toString());
  } catch {
    return undefined;
  }
  if (typeof stored !== "object" || stored === null || !("d" in stored) || !Array.isArray(stored.d)) return undefined;
  const diagnostics: unknown[] = stored.d;
  if (!diagnostics.every(isDiagnostic)) return undefined;
  if (!("v" in stored)) return { diagnostics };
  // A value is stored only once it matched its kind's schema (checkYamlFile returns no value
  // otherwise), under a key naming this build, in a file whose digest proved it whole: it
  // matches still. Checking again would cost a tenth of a warm hook (ajv over every file).
  const value = stored.v as SchemaValue<K>;
  return { value, diagnostics, parsed: lazyParsedFile(file, text, value, lineOffset) };
}

/** What JSON gives back unchanged: no NaN, Infinity or -0 (YAML has .nan, .inf, -0), no holes, no odd prototypes. */
function isPlainJson(value: unknown): boolean {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isPlainJson(value[i])) return false;
    return true;
  }
  if (typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value).every(isPlainJson);
}
