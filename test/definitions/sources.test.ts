import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { validateWorkspace } from "../../controller/definitions/validate-workspace.js";
import { git, gitIdentity, isolateGit, tempDir } from "../cli/helpers.js";
import { baseWorkspace, writeTree } from "../support/tree.js";

const now = new Date("2026-11-23T12:00:00Z");
const goodEvent = "condition: {type: interval, expr: 15m}\naction: {type: script, command: ./check.sh}\n";
const badEvent = "condition: {type: interval, expr: 15m}\naction: {type: skill, skill: ghost}\n";

beforeAll(() => isolateGit());

function repo(): string {
  const dir = tempDir();
  git(dir, "init", "-q", "-b", "main");
  gitIdentity(dir);
  return dir;
}

describe("one loader for the working tree, the index and a revision", () => {
  it("judges a commit by what the index holds, not the working tree", async () => {
    const dir = repo();
    writeTree(dir, { ...baseWorkspace, "events/check.yaml": goodEvent });
    git(dir, "add", "-A");
    writeFileSync(join(dir, "events/check.yaml"), badEvent); // unstaged edit
    const staged = await validateWorkspace({ dir, tree: { from: "index" }, now, frameworkDir: null });
    const worktree = await validateWorkspace({ dir, now, frameworkDir: null });
    expect(staged.ok).toBe(true);
    expect(worktree.diagnostics).toEqual([expect.objectContaining({ file: "events/check.yaml", line: 2, rule: "unknown-reference" })]);

    git(dir, "add", "-A");
    const stagedBad = await validateWorkspace({ dir, tree: { from: "index" }, now, frameworkDir: null });
    expect(stagedBad.diagnostics).toEqual(worktree.diagnostics);
  });

  it("reads a revision's tree from git objects, whatever the working tree holds", async () => {
    const dir = repo();
    writeTree(dir, { ...baseWorkspace, "events/check.yaml": badEvent });
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "bad");
    writeFileSync(join(dir, "events/check.yaml"), goodEvent);
    git(dir, "commit", "-qam", "good");
    const head = await validateWorkspace({ dir, tree: { from: "revision", revision: "HEAD" }, now, frameworkDir: null });
    const previous = await validateWorkspace({ dir, tree: { from: "revision", revision: "HEAD~1" }, now, frameworkDir: null });
    expect(head.ok).toBe(true);
    expect(head.defs.events.get("check")?.spec.condition).toEqual({ type: "interval", expr: "15m" });
    expect(previous.diagnostics.map((d) => `${d.file}:${d.line} ${d.rule}`)).toEqual(["events/check.yaml:2 unknown-reference"]);
  });

  it("reads a workspace that is a subfolder of a larger repository", async () => {
    const dir = repo();
    writeTree(dir, { "README.md": "monorepo\n", "events/not-ours.yaml": "garbage: [\n" });
    writeTree(join(dir, "ops"), { ...baseWorkspace, "events/check.yaml": goodEvent });
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "init");
    const ops = join(dir, "ops");
    for (const tree of [{ from: "index" as const }, { from: "revision" as const, revision: "HEAD" }, { from: "worktree" as const }]) {
      const result = await validateWorkspace({ dir: ops, tree, now, frameworkDir: null });
      expect(result.diagnostics, tree.from).toEqual([]);
      expect([...result.defs.events.keys()]).toEqual(["check"]);
    }
  });

  it("follows a symlink that stays inside the workspace, in git as on disk", async () => {
    const dir = repo();
    writeTree(dir, { ...baseWorkspace, "shared/check.yaml": goodEvent });
    git(dir, "add", "-A");
    const { symlinkSync, mkdirSync } = await import("node:fs");
    mkdirSync(join(dir, "events"));
    symlinkSync("../shared/check.yaml", join(dir, "events/check.yaml"));
    git(dir, "add", "-A");
    for (const tree of [{ from: "index" as const }, { from: "worktree" as const }]) {
      const result = await validateWorkspace({ dir, tree, now, frameworkDir: null });
      expect(result.diagnostics, tree.from).toEqual([]);
      expect(result.defs.events.has("check"), tree.from).toBe(true);
    }
  });

  it("reports an unknown revision clearly", async () => {
    const dir = repo();
    await expect(validateWorkspace({ dir, tree: { from: "revision", revision: "nope" }, now, frameworkDir: null })).rejects.toThrow(/git ls-tree failed/);
  });
});

describe("oversize files in git", () => {
  it("reports a staged file over the limit, with its size from git, and loads the rest", async () => {
    const rest = await import("../cli/helpers.js");
    const dir = rest.tempDir();
    rest.git(dir, "init", "-q", "-b", "main");
    writeTree(dir, { ...baseWorkspace, "events/check.yaml": goodEvent });
    writeFileSync(join(dir, "events/huge.yaml"), "description: " + "x".repeat(3 * 1024 * 1024) + "\n");
    rest.git(dir, "add", "-A");
    const result = await validateWorkspace({ dir, tree: { from: "index" }, now, frameworkDir: null });
    expect(result.diagnostics).toEqual([expect.objectContaining({ file: "events/huge.yaml", rule: "file-too-large", message: expect.stringContaining(String(3 * 1024 * 1024 + 14)) })]);
    expect(result.defs.events.has("check")).toBe(true);
  });
});
