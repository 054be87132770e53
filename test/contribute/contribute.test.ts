import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../controller/package-root.js";
import { cli, git, isolateGit } from "../cli/helpers.js";
import { apiKey, email, exportsOf, leakyPrompt, manifest, productRepo, raw, triage, workspace } from "./contribute-fixtures.js";

beforeAll(() => isolateGit());

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
    expect(parsed.files).toEqual(["framework/agents/helper/config.yaml", "framework/agents/helper/prompt.md", "framework/agents/triage/prompt.md"]);
    expect(parsed.head).toBe(ws.head());
    expect(parsed.base).toBe(git(ws.dir, "rev-list", "--max-parents=0", "HEAD").trim());
    expect(parsed.replacements).toContainEqual({ file: "framework/agents/helper/prompt.md", line: 2, kind: "api_key", placeholder: "{{API_KEY}}" });
    expect(parsed.replacements.every((x) => Object.keys(x).sort().join() === "file,kind,line,placeholder")).toBe(true);
    expect(r.stdout).toContain(`wrote ${patchPath}`);
    expect(r.stdout).toMatch(/3 files, \d+ replacements \(/);
    expect(r.stdout).toContain("Read the patch before you send it");

    const product = productRepo();
    git(product, "apply", "--check", patchPath);
    git(product, "apply", patchPath);
    const applied = readFileSync(join(product, "framework/agents/helper/prompt.md"), "utf8");
    expect(applied).toContain("You help the {{COMPANY_NAME}} operations team.");
    expect(applied).toContain("{{COMPANY_NAME}} again, and {{COMPANY_NAME_2}} too.");
  });

  it("sends a new agent whole: its unchanged config.yaml comes with the changed prompt, and the product validates after git apply", async () => {
    const ws = workspace();
    ws.commit({ "agents/night-watch/config.yaml": "name: night-watch\ndescription: Watches the night shift\n", "agents/night-watch/prompt.md": "You watch.\n" });
    ws.commit({ "agents/night-watch/prompt.md": "You watch the night shift for Globex Industries.\n" });
    const r = await cli(["contribute", "--base", "HEAD~1", "--json"], ws.dir);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { patch: string; files: string[] };
    expect(report.files).toEqual(["framework/agents/night-watch/config.yaml", "framework/agents/night-watch/prompt.md"]);
    const product = productRepo();
    git(product, "apply", report.patch);
    expect(await cli(["validate", "--framework", "framework"], product)).toMatchObject({ code: 0, stdout: "no problems\n" });
  });

  it("warns, and lists in the report, what the product's validate --framework would say once applied", async () => {
    const ws = workspace();
    ws.commit({ "skills/local-only.md": "# Local only\nA skill the product lacks.\n" });
    ws.commit({ "agents/night-watch/config.yaml": "name: night-watch\ndescription: Watches\nskills: [local-only]\n", "agents/night-watch/prompt.md": "You watch.\n" });
    const r = await cli(["contribute", "--base", "HEAD~1", "--json"], ws.dir);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { files: string[]; upstream_errors: { file: string; line: number; rule: string }[] };
    expect(report.files).toEqual(["framework/agents/night-watch/config.yaml", "framework/agents/night-watch/prompt.md"]);
    expect(report.upstream_errors).toMatchObject([{ file: "framework/agents/night-watch/config.yaml", line: 3 }]);
    expect(r.stderr).toMatch(/^warning: once applied, the product's `nexaas validate --framework framework` would report:\n {2}framework\/agents\/night-watch\/config\.yaml:3:\d+ /);
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
    // The helper agent is new upstream, so its config.yaml comes along; agents/helper/.env never does.
    expect(report.files).toEqual(["framework/agents/helper/config.yaml", "framework/agents/helper/prompt.md"]);
    const patch = readFileSync(report.patch, "utf8");
    expect(patch.match(/^diff --git /gm)).toHaveLength(2);
    for (const p of [".env", "x.db", "registries", "events", "nexaas.yaml"]) expect(patch).not.toContain(p);
  });

  it("skips a file whose framework path is a folder in the product, with the reason", async () => {
    const ws = workspace();
    ws.commit({ "skills/incident-review": "# Incident review\nA file here.\n", "skills/new.md": "# new\nA new skill.\n" });
    const r = await cli(["contribute", "--json"], ws.dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { files: string[]; skipped: { file: string; reason: string }[] };
    expect(report.files).toEqual(["framework/skills/new.md"]);
    expect(report.skipped).toEqual([{ file: "framework/skills/incident-review", reason: "the product has a folder at this path" }]);
  });

  it("lists deleted, binary, non-UTF-8 and unchanged files as skipped", async () => {
    const ws = workspace();
    ws.commit({
      "agents/helper/prompt.md": null,
      "skills/blob.md": "a\0b",
      "agents/triage/config.yaml": readFileSync(join(packageRoot, "framework/agents/triage/config.yaml"), "utf8"),
      "skills/new.md": "# new\nA new skill.\n",
      "playbooks/huge.md": "x".repeat(1024 * 1024 + 1),
      "skills/latin.md": Buffer.from("# Latin\nM\xfcller\n", "latin1"),
    });
    const r = await cli(["contribute", "--json"], ws.dir);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { files: string[]; skipped: { file: string; reason: string }[] };
    expect(report.files).toEqual(["framework/skills/new.md"]);
    expect(report.skipped.map((s) => s.file).sort()).toEqual([
      "framework/agents/helper/prompt.md",
      "framework/agents/triage/config.yaml",
      "framework/playbooks/huge.md",
      "framework/skills/blob.md",
      "framework/skills/latin.md",
    ]);
    expect(report.skipped.find((s) => s.file.endsWith("latin.md"))?.reason).toBe("not UTF-8 text");
    expect(report.skipped.find((s) => s.file.endsWith("huge.md"))?.reason).toMatch(/larger than 1 MiB/);
    expect(report.skipped.find((s) => s.file.endsWith("blob.md"))?.reason).toMatch(/binary/);
    expect(report.skipped.find((s) => s.file.endsWith("prompt.md"))?.reason).toMatch(/deleted/);
  });

  it("still replaces a name that HEAD dropped from identity but base declared", async () => {
    const ws = workspace();
    ws.commit({ "nexaas.yaml": manifest.replace(/identity:[\s\S]*$/, ""), "skills/kept.md": "# Kept\nFor Initech.\n" });
    const r = await cli(["contribute", "--json"], ws.dir);
    expect(r.code).toBe(0);
    expect(readFileSync((JSON.parse(r.stdout) as { patch: string }).patch, "utf8")).toContain("+For {{COMPANY_NAME}}.\n");
  });
});
