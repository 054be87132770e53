import { EventEmitter } from "node:events";
import { isAbsolute, relative, sep } from "node:path";
import { type FSWatcher, watch } from "chokidar";
import { DebouncedTask } from "./debounced-task.js";
import { isIgnoredPath } from "./file-source.js";
import { rawEventPath, watchedPathOf } from "./ref-paths.js";

export interface WorktreeWatcherOptions {
  /** The workspace folder. */
  dir: string;
  /** How long a burst of writes (a save touching several files) is collected. */
  debounceMs?: number;
}

export interface WorktreeWatcherEvents {
  /** Something in the workspace changed: read the working tree again. */
  change: [];
  error: [Error];
}

interface Session {
  task: DebouncedTask;
  watcher?: FSWatcher;
}

const defaultDebounceMs = 50;
/** Swap and backup files that editors write while a file is open (the ones chokidar leaves out). */
const editorTemp = /\..*\.sw[px]$|~$|\.subl.*\.tmp$/;

/**
 * For `--worktree` (local authoring): the working tree is the desired state,
 * so every saved file is a new revision. Folders that are never part of the
 * desired state (.git, node_modules, data, exports, .env) are not watched.
 */
export class WorktreeWatcher extends EventEmitter<WorktreeWatcherEvents> {
  readonly dir: string;
  private readonly debounceMs: number;
  private session: Session | undefined;

  constructor(options: WorktreeWatcherOptions) {
    super();
    this.dir = options.dir;
    this.debounceMs = options.debounceMs ?? defaultDebounceMs;
  }

  /** Resolves once the workspace is watched; changes before that are not reported. */
  async start(): Promise<void> {
    if (this.session) throw new Error("WorktreeWatcher is already started");
    const session: Session = { task: new DebouncedTask(async () => this.changed(session), this.debounceMs) };
    this.session = session;
    try {
      const inWorkspace = (path: string): boolean => {
        const rel = relative(this.dir, path);
        if (rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel) || editorTemp.test(rel)) return false;
        return !isIgnoredPath(sep === "/" ? rel : rel.split(sep).join("/"));
      };
      const watcher = watch(this.dir, { ignored: (path) => !inWorkspace(path), ignoreInitial: true });
      session.watcher = watcher;
      const signal = (): void => session.task.signal();
      watcher.on("all", signal);
      // chokidar drops a second `change` of one file within 50 ms; raw events are
      // not throttled, so the last write of a quick series is seen.
      watcher.on("raw", (_event, evPath, details) => {
        const watchedPath = watchedPathOf(details);
        if (watchedPath && inWorkspace(rawEventPath(watchedPath, evPath))) signal();
      });
      watcher.on("error", (error) => {
        if (this.session === session) this.emit("error", error instanceof Error ? error : new Error(String(error)));
      });
      await new Promise<void>((resolve) => watcher.once("ready", resolve));
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Closes the watcher and clears every timer. */
  async stop(): Promise<void> {
    const session = this.session;
    if (!session) return;
    this.session = undefined;
    await session.task.stop();
    await session.watcher?.close();
  }

  private changed(session: Session): void {
    if (this.session === session) this.emit("change");
  }
}
