import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { GitSource } from "../../controller/source/git-source.js";
import { RemoteMirror } from "../../controller/source/remote-mirror.js";
import { isolateGit, tempDir } from "../cli/helpers.js";
import { commit, emptyRepo, git, treeAt } from "./helpers.js";

beforeAll(() => isolateGit());

/** A bare repository as the remote (a filesystem path: no network), and a clone to push from. */
function remote(tree: Record<string, string>): { url: string; author: string } {
  const url = join(tempDir(), "remote.git");
  git(tempDir(), "init", "-q", "--bare", "-b", "main", url);
  const author = emptyRepo();
  commit(author, tree, "initial");
  git(author, "remote", "add", "origin", url);
  git(author, "push", "-q", "origin", "main");
  return { url, author };
}

const read = async (dir: string, commit: string, path: string): Promise<string | undefined> =>
  (await GitSource.revision(dir, commit).read([path])).get(path)?.toString();

describe("RemoteMirror", () => {
  it("clones the branch, then picks up a commit pushed to the remote", async () => {
    const { url, author } = remote({ "nexaas.yaml": "name: a\n" });
    const mirror = new RemoteMirror({ url, branch: "main", cacheDir: join(tempDir(), "mirror") });
    const first = await mirror.sync();
    expect(first).toEqual({ commit: treeAt(author, "HEAD"), tree: treeAt(author, "HEAD^{tree}") });
    expect(await read(mirror.dir, first.commit, "nexaas.yaml")).toBe("name: a\n");

    expect(await mirror.sync()).toEqual(first); // nothing new: same revision

    const pushed = commit(author, { "nexaas.yaml": "name: b\n" });
    git(author, "push", "-q", "origin", "main");
    const second = await mirror.sync();
    expect(second.commit).toBe(pushed);
    expect(await read(mirror.dir, second.commit, "nexaas.yaml")).toBe("name: b\n");
    // Nothing is checked out: revisions are read from git objects only.
    expect(git(mirror.cacheDir, "ls-files")).toBe("");
  });

  it("follows a force-push, and reuses its clone in a new process", async () => {
    const { url, author } = remote({ "nexaas.yaml": "name: a\n" });
    const cacheDir = join(tempDir(), "mirror");
    const base = treeAt(author, "HEAD");
    await new RemoteMirror({ url: `${url}/`, branch: "main", cacheDir }).sync();
    commit(author, { "nexaas.yaml": "name: b\n" });
    git(author, "push", "-q", "origin", "main");
    git(author, "push", "-q", "--force", "origin", `${base}:refs/heads/main`);
    expect((await new RemoteMirror({ url, branch: "main", cacheDir }).sync()).commit).toBe(base);
  });

  it("reads a workspace that is a subfolder of the remote repository", async () => {
    const { url, author } = remote({ "README.md": "monorepo\n", "ops/nexaas.yaml": "name: ops\n" });
    const mirror = new RemoteMirror({ url, branch: "main", cacheDir: join(tempDir(), "mirror"), workspacePath: "ops/" });
    const first = await mirror.sync();
    expect(first.tree).toBe(treeAt(author, "HEAD:ops"));
    expect(await GitSource.revision(mirror.dir, first.commit).list()).toEqual([expect.objectContaining({ path: "nexaas.yaml" })]);

    commit(author, { "README.md": "changed\n" });
    git(author, "push", "-q", "origin", "main");
    const second = await mirror.sync();
    expect(second.commit).not.toBe(first.commit);
    expect(second.tree).toBe(first.tree); // a commit outside the workspace: a no-op
  });

  it("refuses a cache folder that holds a clone of another remote, or other files", async () => {
    const a = remote({ "nexaas.yaml": "name: a\n" });
    const b = remote({ "nexaas.yaml": "name: b\n" });
    const cacheDir = join(tempDir(), "mirror");
    await new RemoteMirror({ url: a.url, branch: "main", cacheDir }).sync();
    await expect(new RemoteMirror({ url: b.url, branch: "main", cacheDir }).sync()).rejects.toMatchObject({
      code: "remote-mismatch",
      message: expect.stringContaining(`holds a clone of ${a.url}, not ${b.url}`),
    });

    const busy = tempDir();
    writeFileSync(join(busy, "notes.txt"), "mine\n");
    await expect(new RemoteMirror({ url: a.url, branch: "main", cacheDir: busy }).sync()).rejects.toMatchObject({ code: "remote-mismatch" });
  });

  it("fails clearly for a missing branch or remote, and succeeds once it exists", async () => {
    const { url, author } = remote({ "nexaas.yaml": "name: a\n" });
    const cacheDir = join(tempDir(), "mirror");
    const mirror = new RemoteMirror({ url, branch: "live", cacheDir });
    await expect(mirror.sync()).rejects.toMatchObject({ code: "remote-failed", message: expect.stringContaining("could not clone") });
    git(author, "push", "-q", "origin", "main:live");
    expect((await mirror.sync()).commit).toBe(treeAt(author, "HEAD"));

    const nowhere = join(tempDir(), "missing.git");
    await expect(new RemoteMirror({ url: nowhere, branch: "main", cacheDir: join(tempDir(), "m") }).sync()).rejects.toMatchObject({ code: "remote-failed" });
  });
});
