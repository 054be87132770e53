import { access, mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import { simpleGit } from "simple-git";
import { git } from "./git.js";
import { type Revision, resolveRevision } from "./resolve-revision.js";
import { SourceError } from "./source-error.js";

export interface RemoteMirrorOptions {
  /** What `git clone` accepts: a URL or, in tests, a path to a bare repository. */
  url: string;
  branch: string;
  /** The clone's own folder, kept between runs. */
  cacheDir: string;
  /** The workspace's folder inside the repository (`ops/` in a monorepo); default the root. */
  workspacePath?: string;
}

/**
 * Pull mode (`--remote URL --branch B`): the controller keeps its own clone and
 * fetches. The clone has no checkout: revisions are read from git objects
 * (GitSource.revision(mirror.dir, commit)), so the working tree stays empty
 * except for the workspace folder, which exists only so git can run in it and
 * read the tree at that path.
 */
export class RemoteMirror {
  readonly url: string;
  readonly branch: string;
  readonly cacheDir: string;
  /** Where to read the workspace from: the clone plus the workspace path. */
  readonly dir: string;
  /** The remote-tracking ref that `sync` moves and resolves. */
  readonly ref: string;
  /** The cache folder was checked (or cloned) by this process. */
  private checked = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: RemoteMirrorOptions) {
    // Leading "-" would turn a value into an option of git clone or fetch.
    if (options.url.startsWith("-")) throw new SourceError(`"${redactCredentials(options.url)}" is not a remote URL`, "remote-failed");
    if (options.branch === "" || options.branch.startsWith("-")) throw new SourceError(`"${options.branch}" is not a branch name`, "remote-failed");
    const workspacePath = (options.workspacePath ?? "").replace(/^\/+|\/+$/g, "");
    if (workspacePath.split("/").includes("..")) throw new SourceError(`workspace path ${workspacePath} leaves the repository`, "remote-failed");
    this.url = options.url;
    this.branch = options.branch;
    this.cacheDir = options.cacheDir;
    this.dir = join(options.cacheDir, workspacePath);
    this.ref = `refs/remotes/origin/${options.branch}`;
  }

  /**
   * Fetches the branch (cloning it the first time) and resolves it. Calls run
   * one after the other, since two fetches in one clone would fight over its locks.
   */
  sync(): Promise<Revision> {
    const run = this.queue.then(() => this.syncOnce());
    // The caller gets the failure; the next sync still runs.
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async syncOnce(): Promise<Revision> {
    // sync() runs one at a time, so the flag needs no lock; a failed clone is tried again.
    const justCloned = this.checked ? false : await this.ensureClone();
    this.checked = true;
    if (!justCloned) {
      await this.run(`fetch ${this.branch} from ${redactCredentials(this.url)}`, (g) =>
        g.fetch(["--no-tags", "origin", `+refs/heads/${this.branch}:${this.ref}`]),
      );
    }
    await mkdir(this.dir, { recursive: true });
    return resolveRevision(this.dir, this.ref);
  }

  /** Clones when the cache folder is new; true when it did. */
  private async ensureClone(): Promise<boolean> {
    const hasClone = await access(join(this.cacheDir, ".git")).then(
      () => true,
      () => false,
    );
    if (hasClone) {
      const origin = await git(this.cacheDir, ["config", "--get", "remote.origin.url"]).then(
        (out) => out.toString().trim(),
        () => "",
      );
      if (sameUrl(origin, this.url)) return false;
      throw new SourceError(
        redactCredentials(`${this.cacheDir} holds a clone of ${origin || "an unknown remote"}, not ${this.url}: remove it or use another cache folder`),
        "remote-mismatch",
      );
    }
    const entries = await readdir(this.cacheDir).catch(() => []);
    if (entries.length > 0) {
      throw new SourceError(redactCredentials(`${this.cacheDir} is not empty and is not a clone of ${this.url}: remove it or use another cache folder`), "remote-mismatch");
    }
    await mkdir(this.cacheDir, { recursive: true });
    await this.run(`clone ${redactCredentials(this.url)} (branch ${this.branch})`, (g) =>
      g.clone(this.url, this.cacheDir, ["--no-checkout", "--single-branch", "--no-tags", "--branch", this.branch]),
    );
    return true;
  }

  private async run(what: string, command: (g: ReturnType<typeof simpleGit>) => Promise<unknown>): Promise<void> {
    // git inherits the controller's environment (GIT_SSH_COMMAND for a deploy
    // key, say). Passing it through simple-git's env() would have simple-git
    // refuse variables such as EDITOR, so it is left implicit.
    const g = simpleGit({ baseDir: this.cacheDir });
    try {
      await command(g);
    } catch (error) {
      const detail = error instanceof Error ? error.message.trim() : String(error);
      // The cause stays off: simple-git's error carries the command line, URL and all.
      throw new SourceError(redactCredentials(`could not ${what}: ${detail}`), "remote-failed");
    }
  }
}

const sameUrl = (a: string, b: string): boolean => a.replace(/\/+$/, "") === b.replace(/\/+$/, "");

/**
 * A remote URL may carry a token (https://user:token@host/repo.git). Messages
 * end up in logs and the status, where secrets must never go: the userinfo
 * part of every URL in a text is replaced.
 */
export function redactCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, "$1***@");
}
