import { EventEmitter } from "node:events";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Revision } from "../../controller/source/resolve-revision.js";
import { RevisionWatcher } from "../../controller/source/revision-watcher.js";
import { isolateGit } from "../cli/helpers.js";
import { commit, emptyRepo, nextEvent } from "./helpers.js";

// A file watcher that reports nothing, as on a network file system whose
// events never arrive: only the poll can notice a commit.
vi.mock("chokidar", () => ({
  watch: () => {
    const deaf = Object.assign(new EventEmitter(), { close: async () => undefined });
    setImmediate(() => deaf.emit("ready"));
    return deaf;
  },
}));

beforeAll(() => isolateGit());

let watcher: RevisionWatcher | undefined;
afterEach(() => watcher?.stop());

describe("RevisionWatcher polling", () => {
  it("notices a commit by polling when the file watcher misses it", async () => {
    const dir = emptyRepo();
    commit(dir, { "nexaas.yaml": "name: a\n" });
    watcher = new RevisionWatcher({ dir, pollMs: 25 });
    await watcher.start();
    const event = nextEvent<[Revision]>(watcher, "revision");
    const head = commit(dir, { "nexaas.yaml": "name: b\n" });
    expect((await event)[0].commit).toBe(head);
  });
});
