import { execFileSync } from "node:child_process";
import { rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { GitSource } from "../../controller/source/git-source.js";
import { readWorktreeBlobs } from "../../controller/source/worktree-blobs.js";
import { isolateGit, tempDir } from "../cli/helpers.js";
import { emptyRepo, git } from "./helpers.js";

beforeAll(() => isolateGit());

const oidOf = (dir: string, path: string): string => git(dir, "rev-parse", `:${path}`).trim();

describe("blobs read from the working tree", () => {
  it("takes a file only when its content is the staged blob's", () => {
    const dir = emptyRepo();
    for (const name of ["same", "edited", "fifo", "link", "large", "gone"]) writeFileSync(join(dir, name), `${name}\n`);
    git(dir, "add", "-A");
    const wanted = ["same", "edited", "fifo", "link", "large", "gone"].map((path) => ({ path, oid: oidOf(dir, path) }));
    writeFileSync(join(dir, "edited"), "edited, not staged\n");
    rmSync(join(dir, "fifo"));
    execFileSync("mkfifo", [join(dir, "fifo")]); // opening it must not wait for a writer
    rmSync(join(dir, "link"));
    symlinkSync("same", join(dir, "link"));
    writeFileSync(join(dir, "large"), "large\n");
    rmSync(join(dir, "gone"));
    const found = readWorktreeBlobs(dir, wanted, 1024);
    expect([...found.keys()]).toEqual([oidOf(dir, "same"), oidOf(dir, "large")]);
    expect(found.get(oidOf(dir, "same"))?.toString()).toBe("same\n");
    expect(readWorktreeBlobs(dir, wanted, 3).size).toBe(0); // larger than allowed: left to git
  });

  it("hashes with SHA-256 in a repository whose object ids are SHA-256", () => {
    const dir = tempDir();
    git(dir, "init", "-q", "--object-format=sha256");
    writeFileSync(join(dir, "a.yaml"), "a: 1\n");
    git(dir, "add", "-A");
    const oid = oidOf(dir, "a.yaml");
    expect(oid).toHaveLength(64);
    expect(readWorktreeBlobs(dir, [{ path: "a.yaml", oid }], 1024).get(oid)?.toString()).toBe("a: 1\n");
  });

  it("gives the index's content through GitSource whatever the working tree holds", async () => {
    const dir = emptyRepo();
    writeFileSync(join(dir, "a.yaml"), "staged: 1\n");
    writeFileSync(join(dir, "b.yaml"), "staged: 2\n");
    git(dir, "add", "-A");
    writeFileSync(join(dir, "b.yaml"), "not staged\n");
    const source = GitSource.index(dir, { worktree: true });
    const read = await source.read(["a.yaml", "b.yaml"]);
    expect(read.get("a.yaml")?.toString()).toBe("staged: 1\n");
    expect(read.get("b.yaml")?.toString()).toBe("staged: 2\n");
  });
});
