import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { baseWorkspace, writeTree } from "../support/tree.js";
import { cli, git, gitIdentity, isolateGit, tempDir } from "./helpers.js";

beforeAll(() => isolateGit());

// A fake key, assembled at run time so this file holds no literal key.
const apiKey = `sk-ant-api03-${"Zk3mP9qR2sT5vW8x".repeat(3)}`;
const webhook = `https://hooks.slack.com/services/T0ABC1234/B0DEF5678/${"aB3dE5fG7hJ9kL1m"}`;
const secrets = [apiKey, webhook, "ops@globex-corp.io", "Globex", "globex-corp.io"];

const leaky = {
  "nexaas.yaml": "name: test-ops\ntimezone: Europe/Paris\ndefaults:\n  agent: helper\nidentity:\n  company_names: [Globex]\n  domains: [globex-corp.io]\n",
  "agents/helper/prompt.md": `You help Globex.\nKey: ${apiKey}\nPost to ${webhook}\nWrite to ops@globex-corp.io\n`,
};

function workspace(extra: Record<string, string> = {}): string {
  const dir = tempDir();
  writeTree(dir, { ...baseWorkspace, ...extra });
  return dir;
}

describe("nexaas scan", () => {
  it("exits 0 on a clean workspace", async () => {
    expect(await cli(["scan"], workspace())).toMatchObject({ code: 0, stdout: "no findings\n" });
  });

  it("--format json gives {findings} with the SPEC keys and never a value", async () => {
    const r = await cli(["scan", "--format", "json"], workspace(leaky));
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { findings: Record<string, unknown>[] };
    expect(out.findings.map((f) => `${String(f.line)}:${String(f.column)} ${String(f.kind)} ${String(f.placeholder)}`)).toEqual([
      "1:10 company_name {{COMPANY_NAME}}",
      "2:6 api_key {{API_KEY}}",
      "3:9 webhook_url {{WEBHOOK_URL}}",
      "4:10 email {{EMAIL}}",
    ]);
    expect(Object.keys(out.findings[0] ?? {}).sort()).toEqual(["column", "file", "kind", "line", "placeholder", "rule"]);
    expect(out.findings.every((f) => f.file === "agents/helper/prompt.md")).toBe(true);
    for (const s of secrets) expect(r.stdout).not.toContain(s);
    expect((await cli(["scan", "--json"], workspace(leaky))).stdout).toBe(r.stdout);
  });

  it("text and sarif mask every value", async () => {
    const dir = workspace(leaky);
    const text = await cli(["scan"], dir);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^agents\/helper\/prompt\.md:2:6 api_key anthropic-api-key sk-a…\(61 chars\)$/m);
    expect(text.stdout).toMatch(/^4 findings$/m);
    const sarif = await cli(["scan", "--format", "sarif"], dir);
    expect(sarif.code).toBe(1);
    const log = JSON.parse(sarif.stdout) as { runs: { results: unknown[] }[] };
    expect(log.runs[0]?.results).toHaveLength(4);
    for (const s of secrets) {
      expect(text.stdout).not.toContain(s);
      expect(sarif.stdout).not.toContain(s);
    }
  });

  it("scans only the given PATHS", async () => {
    const dir = workspace({ ...leaky, "skills/notes.md": "# notes\nhost 10.20.30.40\n" });
    const r = await cli(["scan", "--json", "skills"], dir);
    expect((JSON.parse(r.stdout) as { findings: { file: string; kind: string }[] }).findings).toMatchObject([{ file: "skills/notes.md", kind: "ip_address" }]);
  });

  it("--staged scans the git index, not the working tree", async () => {
    const dir = workspace();
    git(dir, "init", "-q");
    gitIdentity(dir);
    git(dir, "add", "-A");
    writeTree(dir, { "skills/k.md": `# k\nkey ${apiKey}\n` }); // not staged
    expect((await cli(["scan", "--staged"], dir)).code).toBe(0);
    expect((await cli(["scan"], dir)).code).toBe(1);
    git(dir, "add", "-A");
    const staged = await cli(["scan", "--staged", "--json"], dir);
    expect(staged.code).toBe(1);
    expect(staged.stdout).toContain('"file": "skills/k.md"');
  });

  it("--staged scans only the files the commit adds or changes; --secrets keeps only secrets and webhook URLs", async () => {
    const dir = workspace({ "skills/old.md": `# old\nkey ${apiKey}\n` });
    git(dir, "init", "-q");
    gitIdentity(dir);
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "initial", "--no-verify");
    // An old finding already committed does not block the next, unrelated commit.
    writeTree(dir, { "skills/new.md": "# new\nMail ops@globex-corp.io\n" });
    git(dir, "add", "-A");
    const staged = await cli(["scan", "--staged", "--json"], dir);
    expect((JSON.parse(staged.stdout) as { findings: { file: string; kind: string }[] }).findings).toMatchObject([{ file: "skills/new.md", kind: "email" }]);
    expect(await cli(["scan", "--staged", "--secrets"], dir)).toMatchObject({ code: 0, stdout: "no findings\n" });
    writeTree(dir, { "skills/new.md": `# new\nPost to ${webhook}\n` });
    git(dir, "add", "-A");
    const secretsOnly = await cli(["scan", "--staged", "--secrets", "--json"], dir);
    expect(secretsOnly.code).toBe(1);
    expect((JSON.parse(secretsOnly.stdout) as { findings: { kind: string }[] }).findings.map((f) => f.kind)).toEqual(["webhook_url"]);
  });

  it("--staged scans a forced `git add` of .env, data/ and exports/; a plain scan passes over them", async () => {
    const dir = workspace();
    git(dir, "init", "-q");
    gitIdentity(dir);
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "initial", "--no-verify");
    writeTree(dir, { ".env": `ANTHROPIC_API_KEY=${apiKey}\n`, "data/notes.md": `key ${apiKey}\n`, "exports/x.md": `key ${apiKey}\n` });
    git(dir, "add", "-f", ".env", "data/notes.md", "exports/x.md");
    const staged = await cli(["scan", "--staged", "--secrets", "--json"], dir);
    expect(staged.code).toBe(1);
    const files = (JSON.parse(staged.stdout) as { findings: { file: string }[] }).findings.map((f) => f.file);
    expect([...new Set(files)]).toEqual([".env", "data/notes.md", "exports/x.md"]);
    expect(await cli(["scan", "--secrets"], dir)).toMatchObject({ code: 0, stdout: "no findings\n" });
  });

  it("lists binary and oversize files it passes over, without changing the exit code", async () => {
    const dir = workspace({ "skills/big.md": "# big\n" + "x".repeat(1024 * 1024) + "\n" });
    writeFileSync(join(dir, "skills/logo.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]));
    const text = await cli(["scan"], dir);
    expect(text).toMatchObject({ code: 0, stdout: "no findings\n" });
    expect(text.stderr).toBe("skipped skills/big.md: too large (> 1 MiB)\nskipped skills/logo.png: binary\n");
    const json = await cli(["scan", "--json"], dir);
    expect(json.code).toBe(0);
    expect(json.stderr).toBe("");
    expect(JSON.parse(json.stdout)).toEqual({
      findings: [],
      skipped: [
        { file: "skills/big.md", reason: "too-large" },
        { file: "skills/logo.png", reason: "binary" },
      ],
    });
  });

  it("--upstream adds the real-domain and company-like-name rules, and ignores nexaas:allow as contribute does", async () => {
    const dir = workspace({ "skills/vendor.md": "# vendor\nOrders go to Initech Corp via portal.initech.io\nMail ops@initech.io # nexaas:allow\n" });
    expect((await cli(["scan"], dir)).code).toBe(0);
    const r = await cli(["scan", "--upstream", "--json"], dir);
    expect((JSON.parse(r.stdout) as { findings: { rule: string }[] }).findings.map((f) => f.rule)).toEqual(["company-like-name", "real-domain", "email"]);
  });

  it("--staged outside a git repository is a clear failure", async () => {
    const r = await cli(["scan", "--staged"], workspace());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--staged reads the git index/);
  });

  it("usage errors exit 2", async () => {
    const dir = workspace();
    expect((await cli(["scan", "--format", "github"], dir)).code).toBe(2);
    expect((await cli(["scan", "/elsewhere"], dir)).code).toBe(2);
    expect((await cli(["scan", "--bogus"], dir)).code).toBe(2);
  });
});
