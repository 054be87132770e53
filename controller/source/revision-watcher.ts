import { EventEmitter } from "node:events";
import { type FSWatcher, watch } from "chokidar";
import { DebouncedTask } from "./debounced-task.js";
import { rawEventPath, refPaths, watchedPathOf } from "./ref-paths.js";
import { type Revision, resolveRevision } from "./resolve-revision.js";

export interface RevisionWatcherOptions {
  /** The workspace folder; may be a subfolder of a larger repository. */
  dir: string;
  /** "HEAD" (default) follows whatever is checked out; a branch name follows that branch. */
  revision?: string;
  /** Fallback poll period (`--poll`), for file systems whose events get lost; 0 turns it off. */
  pollMs?: number;
  /** How long a burst of ref writes is collected before the revision is read again. */
  debounceMs?: number;
}

export interface RevisionWatcherEvents {
  /** A commit other than the last one emitted (the first one at start). */
  revision: [Revision];
  /** The revision could not be read; watching goes on. */
  error: [Error];
}

interface Session {
  task: DebouncedTask;
  watcher?: FSWatcher;
  poll?: NodeJS.Timeout;
}

const defaultPollMs = 60_000;
const defaultDebounceMs = 10;

/**
 * Notices new commits at once: chokidar watches the refs, and polling catches
 * what the file system fails to report. Every signal re-reads the revision
 * (one git process); `revision` is emitted only when the commit changed, so
 * `git gc` packing refs, or an amend to nothing, costs one read and no event.
 */
export class RevisionWatcher extends EventEmitter<RevisionWatcherEvents> {
  readonly dir: string;
  /** What is resolved: HEAD, or a branch as `refs/heads/<name>` so a tag of the same name cannot shadow it. */
  readonly revision: string;
  private readonly pollMs: number;
  private readonly debounceMs: number;
  private session: Session | undefined;
  private last: Revision | undefined;

  constructor(options: RevisionWatcherOptions) {
    super();
    this.dir = options.dir;
    const revision = options.revision ?? "HEAD";
    this.revision = revision === "HEAD" || revision.startsWith("refs/") ? revision : `refs/heads/${revision}`;
    this.pollMs = options.pollMs ?? defaultPollMs;
    this.debounceMs = options.debounceMs ?? defaultDebounceMs;
  }

  /** The last revision emitted. */
  get current(): Revision | undefined {
    return this.last;
  }

  /**
   * Resolves once the refs are watched and the first revision was emitted
   * (or `error`, e.g. for a repository without commits: the first commit is
   * then noticed like any other).
   */
  async start(): Promise<void> {
    if (this.session) throw new Error("RevisionWatcher is already started");
    const session: Session = { task: new DebouncedTask(() => this.check(session), this.debounceMs) };
    this.session = session;
    this.last = undefined;
    try {
      const refs = await refPaths(this.dir);
      if (this.session !== session) return;
      const signal = (): void => session.task.signal();
      // `atomic: false`: chokidar would hold unlink events back 100 ms to pair them with a re-add.
      const watcher = watch(refs.roots, { ignored: refs.ignored, ignoreInitial: true, atomic: false });
      session.watcher = watcher;
      watcher.on("all", (_event, path) => {
        if (refs.isRef(path)) signal();
      });
      // chokidar drops a second `change` of one file within 50 ms; raw events are
      // not throttled, so two quick commits are both seen.
      watcher.on("raw", (_event, evPath, details) => {
        const watchedPath = watchedPathOf(details);
        if (watchedPath && refs.isRef(rawEventPath(watchedPath, evPath))) signal();
      });
      watcher.on("error", (error) => this.emitError(session, error));
      await new Promise<void>((resolve) => watcher.once("ready", resolve));
      if (this.session !== session) return;
      if (this.pollMs > 0) session.poll = setInterval(signal, this.pollMs);
      await session.task.flush();
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Closes the watcher and clears every timer; an ongoing read finishes first, without emitting. */
  async stop(): Promise<void> {
    const session = this.session;
    if (!session) return;
    this.session = undefined;
    clearInterval(session.poll);
    await session.task.stop();
    await session.watcher?.close();
  }

  private async check(session: Session): Promise<void> {
    let next: Revision;
    try {
      next = await resolveRevision(this.dir, this.revision);
    } catch (error) {
      this.emitError(session, error);
      return;
    }
    if (this.session !== session || next.commit === this.last?.commit) return;
    this.last = next;
    this.emit("revision", next);
  }

  private emitError(session: Session, error: unknown): void {
    if (this.session !== session) return;
    this.emit("error", error instanceof Error ? error : new Error(String(error)));
  }
}
