import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { resolveRevision } from "../../controller/source/resolve-revision.js";
import { SourceError } from "../../controller/source/source-error.js";
import { GitError } from "../../controller/source/git.js";
import { isolateGit, tempDir } from "../cli/helpers.js";
import { commit, emptyRepo, git, treeAt } from "./helpers.js";

beforeAll(() => isolateGit());

describe("resolveRevision", () => {
  it("gives the commit and the root tree for a workspace at the repository root", async () => {
    const dir = emptyRepo();
    const first = commit(dir, { "nexaas.yaml": "name: a\n" });
    const second = commit(dir, { "nexaas.yaml": "name: b\n" });
    expect(await resolveRevision(dir)).toEqual({ commit: second, tree: treeAt(dir, "HEAD^{tree}") });
    expect(await resolveRevision(dir, "HEAD~1")).toEqual({ commit: first, tree: treeAt(dir, "HEAD~1^{tree}") });
    expect(await resolveRevision(dir, "main")).toEqual(await resolveRevision(dir, second));
  });

  it("peels an annotated tag to its commit", async () => {
    const dir = emptyRepo();
    const head = commit(dir, { "nexaas.yaml": "name: a\n" });
    git(dir, "tag", "-a", "-m", "release", "v1");
    expect((await resolveRevision(dir, "v1")).commit).toBe(head);
  });

  it("gives the subfolder's tree for a workspace inside a larger repository", async () => {
    const root = emptyRepo();
    commit(root, { "README.md": "monorepo\n", "ops/nexaas.yaml": "name: ops\n" });
    const ops = join(root, "ops");
    const first = await resolveRevision(ops);
    expect(first).toEqual({ commit: treeAt(root, "HEAD"), tree: treeAt(root, "HEAD:ops") });

    // A commit outside the workspace: a new commit, the same tree, so a no-op.
    const outside = commit(root, { "README.md": "changed\n" });
    const second = await resolveRevision(ops);
    expect(second.commit).toBe(outside);
    expect(second.tree).toBe(first.tree);

    commit(root, { "ops/nexaas.yaml": "name: ops2\n" });
    expect((await resolveRevision(ops)).tree).not.toBe(first.tree);
  });

  it("fails clearly for an unknown revision", async () => {
    const dir = emptyRepo();
    commit(dir, { "nexaas.yaml": "name: a\n" });
    const error = await resolveRevision(dir, "no-such-branch").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toBeInstanceOf(GitError); // what the CLI already maps to a failure
    expect(error).toMatchObject({ code: "unknown-revision", message: expect.stringContaining("unknown revision no-such-branch") });
    await expect(resolveRevision(dir, "HEAD~3")).rejects.toMatchObject({ code: "unknown-revision" });
    await expect(resolveRevision(dir, treeAt(dir, "HEAD^{tree}"))).rejects.toMatchObject({ code: "unknown-revision", message: expect.stringContaining("is not a commit") });
    await expect(resolveRevision(dir, "--all")).rejects.toMatchObject({ code: "unknown-revision" });
  });

  it("fails clearly in a repository without commits", async () => {
    const dir = emptyRepo();
    await expect(resolveRevision(dir)).rejects.toMatchObject({ code: "empty-repository", message: expect.stringContaining("no commits yet") });
  });

  it("fails clearly when HEAD's branch has no commits but others do", async () => {
    const dir = emptyRepo();
    commit(dir, { "nexaas.yaml": "name: a\n" });
    git(dir, "checkout", "-q", "--orphan", "fresh");
    await expect(resolveRevision(dir)).rejects.toMatchObject({ code: "empty-repository", message: expect.stringContaining("branch fresh (HEAD) has no commits yet") });
  });

  it("fails clearly when the workspace folder is not in the revision", async () => {
    const root = emptyRepo();
    commit(root, { "README.md": "monorepo\n" });
    const ops = join(root, "ops");
    mkdirSync(ops);
    await expect(resolveRevision(ops)).rejects.toMatchObject({ code: "workspace-not-in-revision", message: expect.stringContaining("ops/ does not exist in revision HEAD") });
  });

  it("fails clearly outside a repository and for a missing folder", async () => {
    const dir = tempDir();
    await expect(resolveRevision(dir)).rejects.toMatchObject({ code: "not-a-repository" });
    await expect(resolveRevision(join(dir, "missing"))).rejects.toMatchObject({ code: "no-workspace" });
  });
});
