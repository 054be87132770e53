import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../controller/package-root.js";
import { baseWorkspace, writeTree } from "../support/tree.js";
import { cli, git, gitIdentity, isolateGit, tempDir } from "./helpers.js";

beforeAll(() => isolateGit());

function workspace(extra: Record<string, string> = {}): string {
  const dir = tempDir();
  writeTree(dir, { ...baseWorkspace, ...extra });
  return dir;
}

const bad = {
  "events/late.yaml": "condition: {type: cron, expr: \"0 9 * *\"}\naction: {type: script, command: ls}\n",
  "flows/report.yaml": "steps:\n  - id: a\n    action: claude_chat\n    prompt: \"{{nope.x}}\"\n",
};

describe("nexaas validate", () => {
  it("exits 0 and says so for a valid workspace", async () => {
    const r = await cli(["validate"], workspace());
    expect(r).toMatchObject({ code: 0, stdout: "no problems\n" });
  });

  it("exits 1 and prints file:line:col rule message for each error", async () => {
    const r = await cli(["validate"], workspace(bad));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^events\/late\.yaml:1:\d+ +error +cron-expression +cron expression "0 9 \* \*" has 4 fields/m);
    expect(r.stdout).toMatch(/^flows\/report\.yaml:4:\d+ +error +flow-template/m);
  });

  it("--json gives {ok, diagnostics} with the SPEC keys", async () => {
    const r = await cli(["validate", "--json"], workspace(bad));
    const out = JSON.parse(r.stdout) as { ok: boolean; diagnostics: Record<string, unknown>[] };
    expect(out.ok).toBe(false);
    expect(out.diagnostics).toHaveLength(2);
    expect(Object.keys(out.diagnostics[0] ?? {}).sort()).toEqual(["column", "file", "line", "message", "rule", "severity"]);
  });

  it("reports only the given PATHS, judged against the whole workspace", async () => {
    const dir = workspace(bad);
    const r = await cli(["validate", "--json", "flows"], dir);
    const out = JSON.parse(r.stdout) as { diagnostics: { file: string }[] };
    expect(out.diagnostics.map((d) => d.file)).toEqual(["flows/report.yaml"]);
    const events = await cli(["validate", "--workspace", "..", "--json", "../events/late.yaml"], join(dir, "agents"));
    expect(events.code).toBe(1);
    expect((JSON.parse(events.stdout) as { diagnostics: { file: string }[] }).diagnostics.map((d) => d.file)).toEqual(["events/late.yaml"]);
  });

  it("--staged validates the index", async () => {
    const dir = workspace();
    git(dir, "init", "-q");
    gitIdentity(dir);
    git(dir, "add", "-A");
    writeTree(dir, bad); // not staged
    expect((await cli(["validate", "--staged"], dir)).code).toBe(0);
    git(dir, "add", "-A");
    expect((await cli(["validate", "--staged"], dir)).code).toBe(1);
  });

  it("--staged --scan: the hook's two checks in one process; 1 when invalid (no scan), 3 when valid but holding a secret", async () => {
    const dir = workspace();
    git(dir, "init", "-q");
    gitIdentity(dir);
    git(dir, "add", "-A");
    const clean = await cli(["validate", "--staged", "--scan"], dir);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain("no findings");
    const key = `sk-ant-api03-${"Qx7Lm2Vb9Rt4Zp8K".repeat(3)}`; // assembled: this file holds no literal key
    writeTree(dir, { "agents/helper/notes.md": `use ${key}\n` });
    git(dir, "add", "-A");
    const secret = await cli(["validate", "--staged", "--scan"], dir);
    expect(secret.code).toBe(3);
    expect(secret.stdout).toMatch(/agents\/helper\/notes\.md:1:5 api_key anthropic-api-key/);
    expect(secret.stdout).not.toContain(key.slice(0, 16));
    writeTree(dir, bad);
    git(dir, "add", "-A");
    const invalid = await cli(["validate", "--staged", "--scan"], dir);
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).not.toContain("api_key");
    expect((await cli(["validate", "--scan"], dir)).code).toBe(2);
  });

  it("--revision validates a commit's tree, not the working tree", async () => {
    const dir = workspace();
    git(dir, "init", "-q");
    gitIdentity(dir);
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "good");
    writeTree(dir, bad);
    expect((await cli(["validate", "--revision", "HEAD"], dir)).code).toBe(0);
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "bad");
    const r = await cli(["validate", "--revision", "HEAD", "--json"], dir);
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { diagnostics: unknown[] }).diagnostics).toHaveLength(2);
    expect((await cli(["validate", "--revision", "HEAD~1"], dir)).code).toBe(0);
    expect((await cli(["validate", "--revision", "HEAD", "--staged"], dir)).code).toBe(2);
    const unknown = await cli(["validate", "--revision", "no-such-rev"], dir);
    expect(unknown).toMatchObject({ code: 1, stderr: expect.stringMatching(/--revision no-such-rev reads git objects/) });
  });

  it("fails clearly (exit 1) for --staged outside a git repository and for a missing workspace", async () => {
    const staged = await cli(["validate", "--staged"], workspace());
    expect(staged.code).toBe(1);
    expect(staged.stderr).toMatch(/--staged reads the git index: .*not a git repository/i);
    const missing = await cli(["validate", "--workspace", "does/not/exist"], tempDir());
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringMatching(/no workspace at/) });
  });

  it("is a usage error (exit 2) for an unknown format, flag or a path outside the workspace", async () => {
    const dir = workspace();
    for (const argv of [["validate", "--format", "xml"], ["validate", "--bogus"], ["validate", "/"]]) {
      const r = await cli(argv, dir);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.stderr).toContain("Usage: nexaas validate");
    }
  });

  it("runs as the installed command: `nexaas init --example` then `validate` exits 0", () => {
    const dir = join(tempDir(), "w");
    const bin = join(packageRoot, "bin/nexaas.js");
    const init = spawnSync(process.execPath, [bin, "init", dir, "--example"], { encoding: "utf8" });
    expect(init.status, init.stderr).toBe(0);
    const validate = spawnSync(process.execPath, [bin, "validate", "--workspace", dir], { encoding: "utf8" });
    expect(validate.status, validate.stdout + validate.stderr).toBe(0);
    const help = spawnSync(process.execPath, [bin, "--help"], { encoding: "utf8" });
    expect(help.stdout).toContain("validate");
  });
});
