import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Revision } from "../../controller/source/resolve-revision.js";
import { RevisionWatcher, type RevisionWatcherOptions } from "../../controller/source/revision-watcher.js";
import { isolateGit, tempDir } from "../cli/helpers.js";
import { commit, emptyRepo, git, handlesLeftAfterStop, nextEvent, treeAt, watcherHandles } from "./helpers.js";

beforeAll(() => isolateGit());

const started: RevisionWatcher[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((w) => w.stop()));
});

/** A started watcher whose poll never fires within a test: any event comes from the refs. */
async function watch(options: RevisionWatcherOptions): Promise<{ watcher: RevisionWatcher; initial: Revision | undefined }> {
  const watcher = new RevisionWatcher({ pollMs: 60_000, ...options });
  started.push(watcher);
  let initial: Revision | undefined;
  watcher.once("revision", (r) => (initial = r));
  await watcher.start();
  return { watcher, initial };
}

const nextRevision = (watcher: RevisionWatcher, ms?: number): Promise<Revision> =>
  nextEvent<[Revision]>(watcher, "revision", ms).then(([r]) => r);

describe("RevisionWatcher", () => {
  it("emits the current revision at start, then each new commit at once", async () => {
    const dir = emptyRepo();
    const first = commit(dir, { "nexaas.yaml": "name: a\n" });
    const { watcher, initial } = await watch({ dir });
    expect(initial).toEqual({ commit: first, tree: treeAt(dir, "HEAD^{tree}") });
    expect(watcher.current).toEqual(initial);

    for (const name of ["b", "c", "d"]) {
      const event = nextRevision(watcher);
      const head = commit(dir, { "nexaas.yaml": `name: ${name}\n` });
      expect(await event).toEqual({ commit: head, tree: treeAt(dir, "HEAD^{tree}") });
    }
  });

  it("sees the last of two commits made in quick succession", async () => {
    const dir = emptyRepo();
    commit(dir, { "nexaas.yaml": "name: a\n" });
    const { watcher } = await watch({ dir });
    const seen: string[] = [];
    watcher.on("revision", (r) => seen.push(r.commit));
    commit(dir, { "nexaas.yaml": "name: b\n" });
    const last = commit(dir, { "nexaas.yaml": "name: c\n" });
    await expect.poll(() => seen.at(-1), { timeout: 2_000 }).toBe(last);
  });

  it("notices a commit outside a subfolder workspace with an unchanged tree", async () => {
    const root = emptyRepo();
    commit(root, { "README.md": "monorepo\n", "ops/nexaas.yaml": "name: ops\n" });
    const { watcher, initial } = await watch({ dir: join(root, "ops") });
    const event = nextRevision(watcher);
    const head = commit(root, { "README.md": "changed\n" });
    expect(await event).toEqual({ commit: head, tree: initial?.tree });
  });

  it("emits after a branch reset and a checkout of another branch", async () => {
    const dir = emptyRepo();
    const first = commit(dir, { "nexaas.yaml": "name: a\n" });
    const second = commit(dir, { "nexaas.yaml": "name: b\n" });
    const { watcher } = await watch({ dir });

    let event = nextRevision(watcher);
    git(dir, "reset", "-q", "--hard", "HEAD~1");
    expect((await event).commit).toBe(first);

    git(dir, "branch", "other", second);
    event = nextRevision(watcher);
    git(dir, "checkout", "-q", "other"); // only HEAD changes
    expect((await event).commit).toBe(second);
  });

  it("follows a named branch, not HEAD", async () => {
    const dir = emptyRepo();
    const base = commit(dir, { "nexaas.yaml": "name: a\n" });
    git(dir, "branch", "live");
    const { watcher, initial } = await watch({ dir, revision: "live" });
    expect(initial?.commit).toBe(base);
    const revisions: string[] = [];
    watcher.on("revision", (r) => revisions.push(r.commit));
    commit(dir, { "nexaas.yaml": "name: b\n" }); // on main
    const event = nextRevision(watcher);
    git(dir, "branch", "-f", "live", "main");
    expect((await event).commit).toBe(treeAt(dir, "main"));
    expect(revisions).toHaveLength(1);
  });

  it("keeps watching after git gc packs the refs, and reads a ref that lives only in packed-refs", async () => {
    const dir = emptyRepo();
    const first = commit(dir, { "nexaas.yaml": "name: a\n" });
    const { watcher } = await watch({ dir });
    const events: string[] = [];
    watcher.on("revision", (r) => events.push(r.commit));

    let event = nextRevision(watcher);
    const second = commit(dir, { "nexaas.yaml": "name: b\n" });
    await event;
    git(dir, "gc", "-q");
    expect(git(dir, "for-each-ref", "--format=%(refname)", "refs/heads/")).toBe("refs/heads/main\n");

    event = nextRevision(watcher);
    const third = commit(dir, { "nexaas.yaml": "name: c\n" });
    expect((await event).commit).toBe(third);

    // Pack again, then rewrite packed-refs the way git does (a lock file renamed
    // over it): with no loose ref, packed-refs is the only file that changes.
    git(dir, "pack-refs", "--all");
    const packed = join(dir, ".git", "packed-refs");
    event = nextRevision(watcher);
    writeFileSync(`${packed}.lock`, `# pack-refs with: peeled fully-peeled sorted \n${first} refs/heads/main\n`);
    renameSync(`${packed}.lock`, packed);
    expect((await event).commit).toBe(first);
    expect(events).toEqual([second, third, first]);
  });

  it("watches from a linked worktree, whose HEAD lives in its own git dir", async () => {
    const dir = emptyRepo();
    commit(dir, { "nexaas.yaml": "name: a\n" });
    const linked = join(tempDir(), "linked");
    git(dir, "worktree", "add", "-q", "-b", "feature", linked);
    const { watcher } = await watch({ dir: linked });
    const event = nextRevision(watcher);
    const head = commit(linked, { "nexaas.yaml": "name: feature\n" });
    expect((await event).commit).toBe(head);
  });

  it("reports errors and recovers: a repository's first commit", async () => {
    const dir = emptyRepo();
    const watcher = new RevisionWatcher({ dir, pollMs: 60_000 });
    started.push(watcher);
    const firstError = nextEvent<[Error]>(watcher, "error");
    await watcher.start();
    expect((await firstError)[0]).toMatchObject({ code: "empty-repository" });
    const event = nextRevision(watcher);
    const head = commit(dir, { "nexaas.yaml": "name: a\n" });
    expect((await event).commit).toBe(head);
  });

  it("refuses to start outside a repository and leaves nothing running", async () => {
    const watcher = new RevisionWatcher({ dir: tempDir() });
    await expect(watcher.start()).rejects.toMatchObject({ code: "not-a-repository" });
    await watcher.stop();
  });

  it("leaves no handle or timer behind after stop, and can start again", async () => {
    const dir = emptyRepo();
    commit(dir, { "nexaas.yaml": "name: a\n" });
    const watcher = new RevisionWatcher({ dir, pollMs: 60_000 });
    await watcher.start();
    const event = nextRevision(watcher);
    commit(dir, { "nexaas.yaml": "name: b\n" });
    await event;
    expect(watcherHandles()).toContain("FSEventWrap");
    await watcher.stop();
    expect(await handlesLeftAfterStop()).toEqual([]);

    const again = nextRevision(watcher);
    await watcher.start();
    expect((await again).commit).toBe(treeAt(dir, "HEAD"));
    await watcher.stop();
    expect(await handlesLeftAfterStop()).toEqual([]);
  });
});
