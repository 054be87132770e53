import { isUtf8 } from "node:buffer";
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { GitSource } from "../source/git-source.js";
import { git } from "../source/git.js";
import type { Diagnostic } from "../definitions/diagnostic.js";
import { buildPatch, type PatchFile } from "./build-patch.js";
import { checkUpstream } from "./check-upstream.js";
import { frameworkPath, isContributable } from "./contributable-paths.js";
import type { Finding } from "./finding.js";
import { type Identity, readIdentity } from "./identity.js";
import { findRemaining } from "./rescan.js";
import { revisionRange, changedPaths, type RevisionRange } from "./revision-range.js";
import { PlaceholderAllocator, type Replacement, sanitizeText, upstreamScanner } from "./sanitize.js";
import { MAX_SCAN_BYTES, isBinary } from "./scan-source.js";
import { scanFile } from "./scan-text.js";

export interface Skipped {
  file: string;
  reason: string;
}

/** What `nexaas contribute` would send: the pieces of the report, all without values. */
export type Contribution =
  | { status: "nothing"; range: RevisionRange; skipped: Skipped[]; notContributable: number }
  | { status: "unsafe"; range: RevisionRange; remaining: Finding[] }
  | {
      status: "ready";
      range: RevisionRange;
      patch: string;
      files: string[];
      replacements: (Replacement & { file: string })[];
      skipped: Skipped[];
      notContributable: number;
      /** Errors `validate --framework` would report on the product once the patch is applied. */
      upstreamErrors: Diagnostic[];
    };

export interface ContributeOptions {
  /** The base revision (default: the repository's root commit). */
  base?: string;
  /** Secret values of the environment, replaced wherever they appear (see environmentSecrets). */
  environmentValues?: readonly string[];
  /** The product's framework/ folder: each file's pre-image, as the upstream repository holds it. */
  frameworkDir: string;
}

/**
 * Reads the contributable changes between base and HEAD from git objects (never the
 * working tree), sanitizes them with the upstream rules and scans the result again.
 * Writes nothing: the caller writes the patch only when the status is "ready".
 */
export async function prepareContribution(dir: string, options: ContributeOptions): Promise<Contribution> {
  const range = await revisionRange(dir, options.base);
  const changed = await changedPaths(dir, range);
  const wanted = changed.filter((c) => isContributable(c.path));
  const notContributable = changed.length - wanted.length;
  const skipped: Skipped[] = [];
  const headTree = GitSource.revision(dir, range.head);
  const modes = new Map<string, string>();
  for (const c of wanted) {
    if (c.deleted) skipped.push({ file: frameworkPath(c.path), reason: "deleted: contribute offers additions and changes, not deletions" });
    else if (c.mode === "120000") skipped.push({ file: frameworkPath(c.path), reason: "a symbolic link" });
    else if (c.mode !== "100644" && c.mode !== "100755") skipped.push({ file: frameworkPath(c.path), reason: "not a regular file" });
    else modes.set(c.path, c.mode);
  }
  for (const [path, mode] of await companions(dir, range.head, [...modes.keys()], options.frameworkDir)) if (!modes.has(path)) modes.set(path, mode);
  const present = [...modes.keys()].sort(); // one agent's files together, in a stable order
  const contents = present.length ? await headTree.read(present, MAX_SCAN_BYTES) : new Map<string, Buffer | number>();
  const scanner = upstreamScanner(await identityOf(headTree, GitSource.revision(dir, range.base)), options.environmentValues);
  const allocator = new PlaceholderAllocator();
  const outgoing: PatchFile[] = [];
  const replacements: (Replacement & { file: string })[] = [];
  for (const path of present) {
    const file = frameworkPath(path);
    const content = contents.get(path);
    const reason = unreadable(content);
    if (reason || !Buffer.isBuffer(content)) {
      skipped.push({ file, reason: reason ?? "unreadable" });
      continue;
    }
    const text = content.toString("utf8");
    const sanitized = sanitizeText(text, await scanFile(path, text, scanner), allocator);
    const preImage = await readPreImage(options.frameworkDir, path);
    if ("skip" in preImage) {
      skipped.push({ file, reason: preImage.skip });
      continue;
    }
    const { pre, preMode } = preImage;
    const postMode = modes.get(path) ?? "100644";
    if (sanitized.text === pre && preMode === postMode) skipped.push({ file, reason: "once sanitized, the same as the product's copy" });
    else if (pre === null && sanitized.text === "") skipped.push({ file, reason: "an empty new file" });
    else {
      outgoing.push({ path: file, pre, post: sanitized.text, preMode, postMode });
      replacements.push(...sanitized.replacements.map((r) => ({ file, ...r })));
    }
  }
  if (outgoing.length === 0) return { status: "nothing", range, skipped, notContributable };
  const remaining = await findRemaining(
    outgoing.map((f) => ({ path: f.path, text: f.post })),
    scanner,
  );
  if (remaining.length > 0) return { status: "unsafe", range, remaining };
  const upstreamErrors = await checkUpstream(options.frameworkDir, outgoing);
  return { status: "ready", range, patch: buildPatch(outgoing), files: outgoing.map((f) => f.path), replacements, skipped, notContributable, upstreamErrors };
}

/**
 * A new agent or folder skill goes upstream whole: when `agents/x/prompt.md` changed and the
 * product has no `agents/x/`, the unchanged `agents/x/config.yaml` comes too, or the
 * patch would add half a definition. Returns path → git mode at head.
 */
async function companions(dir: string, head: string, paths: readonly string[], frameworkDir: string): Promise<Map<string, string>> {
  const units = new Set(paths.filter((p) => /^(agents|skills)\/[^/]+\/./.test(p)).map((p) => p.split("/").slice(0, 2).join("/")));
  const out = new Map<string, string>();
  for (const unit of units) {
    if (existsSync(join(frameworkDir, unit))) continue;
    // ls-tree -r -z: "<mode> <type> <oid>\t<path>\0", paths relative to the workspace folder.
    const listing = (await git(dir, ["ls-tree", "-r", "-z", head, "--", `${unit}/`])).toString().split("\0");
    for (const entry of listing) {
      const [meta = "", path = ""] = entry.split("\t");
      const mode = meta.split(" ")[0] ?? "";
      if (path && (mode === "100644" || mode === "100755") && isContributable(path)) out.set(path, mode);
    }
  }
  return out;
}

/** A name dropped from nexaas.yaml since base is still the customer's: both revisions' identities count. */
async function identityOf(head: GitSource, base: GitSource): Promise<Identity> {
  const [a, b] = await Promise.all([readIdentity(head), readIdentity(base)]);
  const both = (key: keyof Identity): string[] => [...new Set([...a[key], ...b[key]])];
  return { company_names: both("company_names"), domains: both("domains"), people: both("people") };
}

function unreadable(content: Buffer | number | undefined): string | undefined {
  if (content === undefined) return "not in the head revision";
  if (typeof content === "number") return `larger than ${MAX_SCAN_BYTES / 1024 / 1024} MiB`;
  if (isBinary(content)) return "a binary file";
  // Decoding another encoding as UTF-8 would hide names from the rules (M\xfcller reads
  // as M\ufffdller) and break the patch's context lines: such a file is not offered.
  if (!isUtf8(content)) return "not UTF-8 text";
  return undefined;
}

/**
 * The product's copy of a workspace path and its git mode, or null when the framework has
 * none; a folder there is no pre-image a patch could replace, so the file is skipped.
 */
async function readPreImage(frameworkDir: string, path: string): Promise<{ pre: string | null; preMode?: string } | { skip: string }> {
  const full = join(frameworkDir, path);
  try {
    const [pre, stats] = await Promise.all([readFile(full, "utf8"), stat(full)]);
    // git records only the owner's executable bit.
    return { pre, preMode: stats.mode & 0o100 ? "100755" : "100644" };
  } catch (error) {
    const code = error instanceof Error && "code" in error ? error.code : undefined;
    if (code === "ENOENT" || code === "ENOTDIR") return { pre: null };
    if (code === "EISDIR") return { skip: "the product has a folder at this path" };
    throw error;
  }
}
