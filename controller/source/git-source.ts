import { type FileSource, type ListOptions, type SourceEntry, isIgnoredPath } from "./file-source.js";
import { git, readBlobs } from "./git.js";
import { readWorktreeBlobs } from "./worktree-blobs.js";

interface TreeEntry extends SourceEntry {
  oid: string;
}

/**
 * Blobs kept between runs, by oid (`validate --staged` keeps them under the git folder):
 * git answers only for the ones it lacks. A blob's oid is the hash of its content, so a
 * kept blob never goes stale.
 */
export interface BlobStore {
  /** The blobs it holds among these. */
  get(oids: readonly string[]): Promise<Map<string, Buffer>>;
  /** A blob just read, from git or from the working tree. */
  add(oid: string, blob: Buffer): void;
}

export interface GitSourceOptions {
  blobs?: BlobStore;
  /**
   * Take a blob from the working tree when the file there hashes to its oid
   * (worktree-blobs.ts): the same bytes, without git. For a repository's own
   * working tree (the CLI's --staged and --revision), not a mirror's empty one.
   */
  worktree?: boolean;
}

/**
 * A workspace read from git objects, never from the working tree: either a
 * revision's tree or the index (what the next commit will contain). Run in the
 * workspace folder, git restricts both listings to it, so a workspace may be a
 * subfolder of a larger repository. (With the `worktree` option a file on disk
 * stands in for a blob only when it hashes to the blob's oid: the same bytes.)
 */
export class GitSource implements FileSource {
  readonly label: string;
  private entries: Promise<Map<string, TreeEntry>> | undefined;

  private constructor(
    readonly dir: string,
    private readonly what: { index: true } | { revision: string },
    private readonly options: GitSourceOptions,
  ) {
    this.label = "index" in what ? "index" : `revision ${what.revision}`;
  }

  /** The staged tree: what `git commit` would record now. */
  static index(dir: string, options: GitSourceOptions = {}): GitSource {
    return new GitSource(dir, { index: true }, options);
  }

  /** The tree of a revision (commit, branch, tag), read at the workspace's path. */
  static revision(dir: string, revision: string, options: GitSourceOptions = {}): GitSource {
    return new GitSource(dir, { revision }, options);
  }

  list(options: ListOptions = {}): Promise<SourceEntry[]> {
    return this.load().then((m) => [...m.values()].filter((e) => !isIgnoredPath(e.path, options)));
  }

  async read(paths: readonly string[], maxBytes = Number.POSITIVE_INFINITY): Promise<Map<string, Buffer | number>> {
    const entries = await this.load();
    const wanted = paths.map((p) => {
      const entry = entries.get(p);
      if (!entry) throw new Error(`${p} is not in the ${this.label}`);
      return entry;
    });
    const store = this.options.blobs;
    let missing = [...new Set(wanted.filter((e) => this.cached(e.oid, maxBytes) === undefined).map((e) => e.oid))];
    const found = (blobs: Map<string, Buffer>) => {
      for (const [oid, blob] of blobs) this.blobs.set(oid, blob);
      missing = missing.filter((oid) => !blobs.has(oid));
    };
    if (store && missing.length > 0) found(await store.get(missing));
    if (this.options.worktree && missing.length > 0) {
      const stillMissing = new Set(missing);
      const onDisk = readWorktreeBlobs(this.dir, wanted.filter((e) => e.type === "file" && stillMissing.has(e.oid)), maxBytes);
      for (const [oid, blob] of onDisk) store?.add(oid, blob);
      found(onDisk);
    }
    const blobs = await readBlobs(this.dir, missing, maxBytes);
    for (const [i, oid] of missing.entries()) {
      const blob = blobs[i] ?? Buffer.alloc(0);
      this.blobs.set(oid, typeof blob === "number" ? { size: blob } : blob);
      if (typeof blob !== "number") store?.add(oid, blob);
    }
    return new Map(wanted.map((e) => [e.path, this.cached(e.oid, maxBytes) ?? Buffer.alloc(0)]));
  }

  /**
   * Blobs already read, by oid: `validate --staged --scan` reads the staged files twice
   * (validation, then the secrets scan), and one git process does for both. A blob
   * skipped as too large under one limit is read again under a larger one.
   */
  private readonly blobs = new Map<string, Buffer | { size: number }>();

  private cached(oid: string, maxBytes: number): Buffer | number | undefined {
    const blob = this.blobs.get(oid);
    if (blob === undefined) return undefined;
    if (Buffer.isBuffer(blob)) return blob.length > maxBytes ? blob.length : blob;
    return blob.size > maxBytes ? blob.size : undefined;
  }

  private load(): Promise<Map<string, TreeEntry>> {
    this.entries ??= "index" in this.what ? this.listIndex() : this.listRevision(this.what.revision);
    return this.entries;
  }

  private async listIndex(): Promise<Map<string, TreeEntry>> {
    // <mode> <oid> <stage>\t<path>; sizes are unknown here and read with the blob.
    const out = await git(this.dir, ["ls-files", "--stage", "-z"]);
    const map = new Map<string, TreeEntry>();
    for (const record of out.toString().split("\0")) {
      const tab = record.indexOf("\t");
      if (tab < 0) continue;
      const [mode, oid] = record.slice(0, tab).split(" ");
      addEntry(map, record.slice(tab + 1), mode, oid, -1);
    }
    return map;
  }

  private async listRevision(revision: string): Promise<Map<string, TreeEntry>> {
    // <mode> SP <type> SP <oid> SP+ <size>\t<path>
    const out = await git(this.dir, ["ls-tree", "-r", "-l", "-z", `${revision}^{tree}`, "--", "."]);
    const map = new Map<string, TreeEntry>();
    for (const record of out.toString().split("\0")) {
      const tab = record.indexOf("\t");
      if (tab < 0) continue;
      const [mode, , oid, size] = record.slice(0, tab).split(/ +/);
      addEntry(map, record.slice(tab + 1), mode, oid, Number(size));
    }
    return map;
  }
}

function addEntry(map: Map<string, TreeEntry>, path: string, mode?: string, oid?: string, size = -1): void {
  // Ignored paths are kept here and left out by list(): a forced `git add .env` is still in the index.
  if (!mode || !oid) return;
  // 160000 is a submodule: not part of this workspace's files.
  if (mode === "160000") return;
  map.set(path, { path, oid, size, type: mode === "120000" ? "symlink" : "file" });
}
