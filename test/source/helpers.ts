import type { EventEmitter } from "node:events";
import { git, gitIdentity, tempDir } from "../cli/helpers.js";
import { type Tree, writeTree } from "../support/tree.js";

/** A fresh repository on branch main, with an identity, and no commits. */
export function emptyRepo(): string {
  const dir = tempDir("nexaas-source-");
  git(dir, "init", "-q", "-b", "main");
  gitIdentity(dir);
  return dir;
}

/** Writes `tree` under `dir` and commits everything; returns the new commit. */
export function commit(dir: string, tree: Tree, message = "change"): string {
  writeTree(dir, tree);
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", message);
  return git(dir, "rev-parse", "HEAD").trim();
}

export const treeAt = (dir: string, spec: string): string => git(dir, "rev-parse", spec).trim();

export { git };

/**
 * The arguments of the next `event`, or a rejection after `ms`: tests wait for
 * what they expect instead of sleeping, and a missing event fails quickly.
 */
export function nextEvent<T extends unknown[]>(emitter: EventEmitter, event: string, ms = 2_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, onEvent);
      reject(new Error(`no ${event} event within ${ms} ms`));
    }, ms);
    const onEvent = (...args: unknown[]): void => {
      clearTimeout(timer);
      resolve(args as T);
    };
    emitter.once(event, onEvent);
  });
}

/** Handles a watcher may open: file watches, timers, git processes. */
const watcherKinds = new Set(["FSEventWrap", "StatWatcher", "Timeout", "ProcessWrap"]);

const loopTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Which of those keep the event loop alive now (vitest's own handles are pipes). */
export function watcherHandles(): string[] {
  return process.getActiveResourcesInfo().filter((kind) => watcherKinds.has(kind)).sort();
}

/**
 * Waits until no such handle is left, and returns what is left after
 * `timeoutMs`. A closed handle goes away in a later loop turn and chokidar's
 * own throttle timers end within 100 ms; a poll timer or a live watch would
 * stay. It waits on loop turns, not on a timer, since a timer would count.
 */
export async function handlesLeftAfterStop(timeoutMs = 1_000): Promise<string[]> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    await loopTurn();
    const left = watcherHandles();
    if (left.length === 0 || performance.now() > deadline) return left;
  }
}
