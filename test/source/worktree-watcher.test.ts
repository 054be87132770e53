import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { WorktreeWatcher } from "../../controller/source/worktree-watcher.js";
import { tempDir } from "../cli/helpers.js";
import { handlesLeftAfterStop, nextEvent, watcherHandles } from "./helpers.js";

let watcher: WorktreeWatcher | undefined;
afterEach(() => watcher?.stop());

async function watchWorkspace(): Promise<{ dir: string; watcher: WorktreeWatcher; changes: number[] }> {
  const dir = tempDir();
  for (const folder of ["events", ".git", "node_modules", "data", "exports"]) mkdirSync(join(dir, folder));
  writeFileSync(join(dir, "nexaas.yaml"), "name: a\n");
  watcher = new WorktreeWatcher({ dir, debounceMs: 10 });
  const changes: number[] = [];
  watcher.on("change", () => changes.push(changes.length));
  await watcher.start();
  return { dir, watcher, changes };
}

describe("WorktreeWatcher", () => {
  it("emits change when a file is written, added or removed", async () => {
    const { dir, watcher } = await watchWorkspace();
    let event = nextEvent(watcher, "change");
    writeFileSync(join(dir, "nexaas.yaml"), "name: b\n");
    await event;

    event = nextEvent(watcher, "change");
    writeFileSync(join(dir, "events", "check.yaml"), "condition: {type: interval, expr: 15m}\n");
    await event;

    event = nextEvent(watcher, "change");
    rmSync(join(dir, "events", "check.yaml"));
    await event;
  });

  it("coalesces a burst of writes into one change", async () => {
    const { dir, watcher, changes } = await watchWorkspace();
    const event = nextEvent(watcher, "change");
    for (let i = 0; i < 5; i++) writeFileSync(join(dir, "events", `e${i}.yaml`), "x: 1\n");
    await event;
    expect(changes).toHaveLength(1);
  });

  it("ignores folders that are never desired state", async () => {
    const { dir, watcher } = await watchWorkspace();
    const change = nextEvent(watcher, "change", 150);
    for (const path of [".git/index", "node_modules/x.js", "data/nexaas.db", "exports/patch.diff", ".env", ".nexaas.yaml.swp"]) {
      writeFileSync(join(dir, path), "ignored\n");
    }
    // An absence cannot be awaited: 150 ms is fifteen times the debounce.
    await expect(change).rejects.toThrow("no change event");
  });

  it("leaves no handle or timer behind after stop", async () => {
    const { dir, watcher } = await watchWorkspace();
    const event = nextEvent(watcher, "change");
    writeFileSync(join(dir, "nexaas.yaml"), "name: b\n");
    await event;
    expect(watcherHandles()).toContain("FSEventWrap");
    await watcher.stop();
    expect(await handlesLeftAfterStop()).toEqual([]);
  });
});
