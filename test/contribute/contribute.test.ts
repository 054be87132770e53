import { cpSync, existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../controller/package-root.js";
import { cli, git, gitIdentity, isolateGit, tempDir } from "../cli/helpers.js";
import { gitWorkspace } from "../support/git-workspace.js";
import { baseWorkspace } from "../support/tree.js";

beforeAll(() => isolateGit());

// Fake values, assembled at run time so this file holds no literal key or webhook.
const apiKey = "sk-ant-api03-" + "Qm7vR2xK9pL4wT8zN3bH6jY1cF5dG0sA".repeat(3).slice(0, 90);
const webhook = "https://hooks.slack.com/services/" + "T04KQ8ZP2LM" + "/" + "B06RX3JW9HN" + "/" + "uV7wX2yZ9aB4cD6eF8gH1iJ3";
const email = "ops" + "@globex-industries.com";
const raw = [apiKey, webhook, email, "Globex Industries", "globex-industries.com", "globex-industries"];

const manifest = `name: test-ops
timezone: Europe/Paris
defaults:
  agent: helper
identity:
  company_names: [Globex Industries, Initech]
  domains: [globex-industries.com]
`;

const leakyPrompt = `You help the Globex Industries operations team.
Use the key ${apiKey} for the API.
Status page: https://status.globex-industries.com/incidents
Escalate to ${email} and post to ${webhook}
Globex Industries again, and Initech too.
`;

const triage = readFileSync(join(packageRoot, "framework/agents/triage/prompt.md"), "utf8");

function workspace() {
  return gitWorkspace({ ...baseWorkspace, "nexaas.yaml": manifest, "agents/triage/prompt.md": triage });
}

/** A fresh copy of the product repository: its framework/ folder, committed. */
function productRepo(): string {
  const dir = tempDir("nexaas-product-");
  git(dir, "init", "-q", "-b", "main");
  gitIdentity(dir);
  cpSync(join(packageRoot, "framework"), join(dir, "framework"), { recursive: true });
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", "product");
  return dir;
}

const exportsOf = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).sort() : []);

describe("nexaas contribute", () => {
  it("writes a sanitized patch that git apply accepts on the product repository", async () => {
    const ws = workspace();
    ws.commit({
      "agents/helper/prompt.md": leakyPrompt,
      "agents/triage/prompt.md": triage.replace("## Rules\n", "## Rules\n\n- Globex Industries customers come first.\n"),
    });
    const r = await cli(["contribute"], ws.dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const files = exportsOf(join(ws.dir, "exports"));
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^nexaas-\d{8}T\d{6}Z\.json$/);
    const patchPath = join(ws.dir, "exports", files[1] ?? "");
    const patch = readFileSync(patchPath, "utf8");
    const report = readFileSync(patchPath.replace(/\.patch$/, ".json"), "utf8");
    for (const p of ["{{API_KEY}}", "{{COMPANY_NAME}}", "{{COMPANY_NAME_2}}", "{{DOMAIN}}", "{{EMAIL}}", "{{WEBHOOK_URL}}"]) expect(patch).toContain(p);
    for (const value of raw) {
      expect(patch).not.toContain(value);
      expect(report).not.toContain(value);
      expect(r.stdout).not.toContain(value);
    }
    expect(patch).toContain("diff --git a/framework/agents/helper/prompt.md b/framework/agents/helper/prompt.md\nnew file mode 100644\n--- /dev/null\n");
    expect(patch).toContain("--- a/framework/agents/triage/prompt.md\n+++ b/framework/agents/triage/prompt.md\n");
    expect(patch).toContain("+- {{COMPANY_NAME}} customers come first.\n");

    const parsed = JSON.parse(report) as { patch: string; files: string[]; replacements: Record<string, unknown>[]; base: string; head: string };
    expect(parsed.patch).toBe(patchPath);
    expect(parsed.files).toEqual(["framework/agents/helper/prompt.md", "framework/agents/triage/prompt.md"]);
    expect(parsed.head).toBe(ws.head());
    expect(parsed.base).toBe(git(ws.dir, "rev-list", "--max-parents=0", "HEAD").trim());
    expect(parsed.replacements).toContainEqual({ file: "framework/agents/helper/prompt.md", line: 2, kind: "api_key", placeholder: "{{API_KEY}}" });
    expect(parsed.replacements.every((x) => Object.keys(x).sort().join() === "file,kind,line,placeholder")).toBe(true);
    expect(r.stdout).toContain(`wrote ${patchPath}`);
    expect(r.stdout).toMatch(/2 files, \d+ replacements \(/);
    expect(r.stdout).toContain("Read the patch before you send it");

    const product = productRepo();
    git(product, "apply", "--check", patchPath);
    git(product, "apply", patchPath);
    const applied = readFileSync(join(product, "framework/agents/helper/prompt.md"), "utf8");
    expect(applied).toContain("You help the {{COMPANY_NAME}} operations team.");
    expect(applied).toContain("{{COMPANY_NAME}} again, and {{COMPANY_NAME_2}} too.");
  });

  it("gives one value one placeholder across files, case-insensitively for identity", async () => {
    const ws = workspace();
    ws.commit({
      "skills/a.md": "# A\nFor Globex Industries.\nWrite to " + email + "\n",
      "skills/b.md": "# B\nFor GLOBEX INDUSTRIES and Initech.\nKey " + apiKey + "\n",
      "flows/c.yaml": "# key: " + apiKey + "\n# other: " + apiKey.slice(0, -4) + "ZZZZ\n",
    });
    const r = await cli(["contribute", "--json"], ws.dir);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { patch: string; replacements: { file: string; placeholder: string; kind: string }[] };
    const of = (file: string) => report.replacements.filter((x) => x.file === `framework/${file}`).map((x) => x.placeholder);
    expect(of("skills/a.md")).toEqual(["{{COMPANY_NAME}}", "{{EMAIL}}"]);
    expect(of("skills/b.md")).toEqual(["{{COMPANY_NAME}}", "{{COMPANY_NAME_2}}", "{{API_KEY}}"]);
    expect(of("flows/c.yaml")).toEqual(["{{API_KEY}}", "{{API_KEY_2}}"]);
    expect(readFileSync(report.patch, "utf8")).toContain("+For {{COMPANY_NAME}} and {{COMPANY_NAME_2}}.\n");
  });

  it("never offers files outside the contributable folders", async () => {
    const ws = workspace();
    ws.commit({
      ".env": "ANTHROPIC_API_KEY=" + apiKey + "\n",
      "data/x.db": "SQLite format 3\n",
      "registries/r.yaml": "fields: [name]\nentries:\n  - name: Globex Industries\n",
      "events/e.yaml": "agent: helper\ncondition: { type: interval, expr: 1h }\n",
      "nexaas.yaml": manifest + "# changed\n",
      "agents/helper/prompt.md": "You help a lot.\n",
      "agents/helper/.env": "X=1\n",
    });
    const r = await cli(["contribute", "--json"], ws.dir);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { patch: string; files: string[]; not_contributable: number };
    expect(report.files).toEqual(["framework/agents/helper/prompt.md"]);
    const patch = readFileSync(report.patch, "utf8");
    expect(patch.match(/^diff --git /gm)).toHaveLength(1);
    for (const p of [".env", "x.db", "registries", "events", "nexaas.yaml"]) expect(patch).not.toContain(p);
  });

  it("lists deleted, binary and unchanged files as skipped", async () => {
    const ws = workspace();
    ws.commit({
      "agents/helper/prompt.md": null,
      "skills/blob.md": "a\0b",
      "agents/triage/config.yaml": readFileSync(join(packageRoot, "framework/agents/triage/config.yaml"), "utf8"),
      "skills/new.md": "# New\nA new skill.\n",
    });
    const r = await cli(["contribute", "--json"], ws.dir);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { files: string[]; skipped: { file: string; reason: string }[] };
    expect(report.files).toEqual(["framework/skills/new.md"]);
    expect(report.skipped.map((s) => s.file).sort()).toEqual(["framework/agents/helper/prompt.md", "framework/agents/triage/config.yaml", "framework/skills/blob.md"]);
    expect(report.skipped.find((s) => s.file.endsWith("blob.md"))?.reason).toMatch(/binary/);
    expect(report.skipped.find((s) => s.file.endsWith("prompt.md"))?.reason).toMatch(/deleted/);
  });

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
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { files: string[] };
    expect(report.files.length).toBeGreaterThan(0);
    expect(report.files.every((f) => f.startsWith("framework/") && !f.startsWith("framework/ops/"))).toBe(true);
  });
});
