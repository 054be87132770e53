import { chmodSync, cpSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../controller/package-root.js";
import { cli, git, gitIdentity, isolateGit, tempDir } from "../cli/helpers.js";
import { exportsOf, productRepo, workspace } from "./contribute-fixtures.js";

beforeAll(() => isolateGit());

describe("nexaas contribute: revisions, output and failures", () => {
  it("--base REV compares with that revision; --out DIR is honoured", async () => {
    const ws = workspace();
    ws.commit({ "skills/first.md": "# First\nOne.\n" });
    const middle = ws.commit({ "skills/second.md": "# Second\nTwo.\n" });
    ws.commit({ "skills/third.md": "# Third\nThree.\n" });
    const out = join(tempDir(), "out", "deeper");
    const r = await cli(["contribute", "--base", middle, "--out", out, "--json"], ws.dir);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { patch: string; files: string[]; base: string };
    expect(report.files).toEqual(["framework/skills/third.md"]);
    expect(report.base).toBe(middle);
    expect(report.patch.startsWith(out)).toBe(true);
    expect(exportsOf(out)).toHaveLength(2);
    expect(existsSync(join(ws.dir, "exports"))).toBe(false);
    // A second export in the same second gets a new name, never the old one.
    const again = JSON.parse((await cli(["contribute", "--base", middle, "--out", out, "--json"], ws.dir)).stdout) as { patch: string };
    expect(again.patch).not.toBe(report.patch);
    expect(exportsOf(out)).toHaveLength(4);
  });

  it("--base with the empty tree offers what the first commit added too; by default it does not", async () => {
    const ws = workspace(); // its first commit adds agents/triage/prompt.md
    ws.commit({ "skills/later.md": "# later\nAdded after.\n" });
    const byDefault = JSON.parse((await cli(["contribute", "--json"], ws.dir)).stdout) as { files: string[] };
    expect(byDefault.files).toEqual(["framework/skills/later.md"]);
    const emptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
    const r = await cli(["contribute", "--base", emptyTree, "--json"], ws.dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { files: string[]; base: string };
    expect(report.files).toContain("framework/skills/later.md");
    expect(report.files).toContain("framework/agents/helper/prompt.md");
    expect(report.base).toBe(emptyTree);
  });

  it("with nothing to contribute, exits 0 and writes nothing", async () => {
    const ws = workspace();
    ws.commit({ "events/e.yaml": "agent: helper\n" });
    const r = await cli(["contribute"], ws.dir);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toMatch(/^nothing to contribute between [0-9a-f]{12} and [0-9a-f]{12}\n$/);
    expect(existsSync(join(ws.dir, "exports"))).toBe(false);
  });

  it("fails clearly on a bad --base and outside a git repository", async () => {
    const ws = workspace();
    const bad = await cli(["contribute", "--base", "no-such-ref"], ws.dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("unknown revision no-such-ref");
    const plain = tempDir();
    const none = await cli(["contribute"], plain);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("not inside a git repository");
    expect(exportsOf(join(plain, "exports"))).toEqual([]);
  });

  it("writes no patch when something is still found after sanitizing: a file's name", async () => {
    const ws = workspace();
    ws.commit({ "skills/globex-industries-onboarding.md": "# Onboarding\nWelcome aboard.\n" });
    const r = await cli(["contribute"], ws.dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^framework\/skills\/globex-industries-onboarding\.md:0:\d+ company_name identity-company$/m);
    expect(r.stderr).toContain("no patch written");
    expect(r.stdout).toBe("");
    expect(exportsOf(join(ws.dir, "exports"))).toEqual([]);
    const json = await cli(["contribute", "--json"], ws.dir);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ patch: null, files: [], findings: [{ kind: "company_name", line: 0 }] });
  });

  it("explains itself in --help and is listed in nexaas --help", async () => {
    const help = await cli(["contribute", "--help"], tempDir());
    expect(help.code).toBe(0);
    for (const s of ["--base REV", "not recorded yet", "are not offered", "--base 4b825dc642cb6eb9a060e54bf8d69288fbee4904", "registries/", "{{COMPANY_NAME_2}}", "no patch is written", "Exit codes: 0"]) expect(help.stdout).toContain(s);
    expect((await cli(["--help"], tempDir())).stdout).toMatch(/^ {2}contribute +write a sanitized patch/m);
  });

  it("works on a workspace in a subfolder of a larger repository", async () => {
    const repo = tempDir();
    git(repo, "init", "-q", "-b", "main");
    gitIdentity(repo);
    cpSync(join(packageRoot, "framework"), join(repo, "unrelated"), { recursive: true });
    git(repo, "add", "-A");
    git(repo, "commit", "-qm", "before the workspace");
    const ws = join(repo, "ops");
    cpSync(join(packageRoot, "workspace.example"), ws, { recursive: true });
    git(repo, "add", "-A");
    git(repo, "commit", "-qm", "workspace");
    const r = await cli(["contribute", "--json", "--base", "HEAD~1"], ws);
    // The example's flow reads a registry, and registries never go upstream: the product would say so.
    expect(r.stderr).toMatch(/^warning: once applied.*\n {2}framework\/flows\/stock-watch\.yaml:\d+:\d+ flow-template .*unknown registry "suppliers"\n$/);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { files: string[] };
    expect(report.files.length).toBeGreaterThan(0);
    expect(report.files.every((f) => f.startsWith("framework/") && !f.startsWith("framework/ops/"))).toBe(true);
  });

  it("keeps a script's executable bit, for a new file and for a mode change alone", async () => {
    const ws = workspace();
    const summary = readFileSync(join(packageRoot, "framework/skills/daily-summary.md"), "utf8");
    ws.commit({ "skills/tool/scripts/run.sh": "#!/bin/sh\necho hi\n", "skills/daily-summary.md": summary });
    chmodSync(join(ws.dir, "skills/tool/scripts/run.sh"), 0o755);
    chmodSync(join(ws.dir, "skills/daily-summary.md"), 0o755);
    git(ws.dir, "add", "-A");
    git(ws.dir, "commit", "-qm", "executable");
    const r = await cli(["contribute", "--json"], ws.dir);
    expect(r.code).toBe(0);
    const { patch } = JSON.parse(r.stdout) as { patch: string };
    const text = readFileSync(patch, "utf8");
    expect(text).toContain("new file mode 100755\n");
    expect(text).toContain("diff --git a/framework/skills/daily-summary.md b/framework/skills/daily-summary.md\nold mode 100644\nnew mode 100755\n");
    const product = productRepo();
    git(product, "apply", patch);
    expect(statSync(join(product, "framework/skills/tool/scripts/run.sh")).mode & 0o100).toBeTruthy();
    expect(statSync(join(product, "framework/skills/daily-summary.md")).mode & 0o100).toBeTruthy();
  });
});

describe("secret values from the environment", () => {
  // Formats no rule knows: only the environment says they are secrets.
  const dotEnvValue = "q7Lw" + "2Rz9-Xk4v" + "Pm81";
  const envValue = "Zr5T" + "hq0W2ns" + "8VbL3";

  it("scan and contribute find a literal copy of a .env value or a credential-like variable, and never print it", async () => {
    const ws = workspace();
    writeFileSync(join(ws.dir, ".env"), `LEGACY_CRM_TOKEN=${dotEnvValue}\nLOG_LEVEL=info\n`);
    ws.commit({ "skills/crm.md": `# crm\nCall the CRM with ${dotEnvValue} and ${envValue}.\n` });
    process.env.NEXAAS_TEST_VENDOR_SECRET = envValue;
    try {
      const scan = await cli(["scan", "--json", "skills"], ws.dir);
      expect((JSON.parse(scan.stdout) as { findings: { rule: string; column: number }[] }).findings).toMatchObject([
        { rule: "environment-value", column: 19 },
        { rule: "environment-value", column: 41 },
      ]);
      const r = await cli(["contribute", "--json"], ws.dir);
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout) as { patch: string };
      const patch = readFileSync(report.patch, "utf8");
      expect(patch).toContain("+Call the CRM with {{API_KEY}} and {{API_KEY_2}}.");
      for (const v of [dotEnvValue, envValue]) {
        expect(patch).not.toContain(v);
        expect(r.stdout + scan.stdout).not.toContain(v);
      }
    } finally {
      delete process.env.NEXAAS_TEST_VENDOR_SECRET;
    }
  });
});
