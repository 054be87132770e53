import { appendFileSync, cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../controller/package-root.js";
import { cli, tempDir } from "./helpers.js";

/** A copy of the product's framework/, to break on purpose. */
function frameworkCopy(): string {
  const dir = join(tempDir(), "framework");
  cpSync(join(packageRoot, "framework"), dir, { recursive: true });
  return dir;
}

describe("nexaas validate --framework", () => {
  it("this repository's framework/ is clean", async () => {
    const r = await cli(["validate", "--framework", "framework"], packageRoot);
    expect(r).toMatchObject({ code: 0, stdout: "no problems\n" });
  });

  it("fails on a copy naming a real-looking company, its email and its domain, never printing them", async () => {
    const dir = frameworkCopy();
    appendFileSync(join(dir, "agents/triage/prompt.md"), "\nEscalate to Initech Corp at help@initech-support.com or https://portal.initech.io/tickets.\n");
    const r = await cli(["validate", "--framework", dir, "--json"], tempDir());
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { ok: boolean; diagnostics: { file: string; rule: string; message: string }[] };
    expect(report.ok).toBe(false);
    expect(report.diagnostics.map((d) => [d.file, d.rule, d.message.split(" (")[0]])).toEqual([
      ["agents/triage/prompt.md", "framework-placeholders", "company name"],
      ["agents/triage/prompt.md", "framework-placeholders", "email"],
      ["agents/triage/prompt.md", "framework-placeholders", "domain"],
    ]);
    expect(r.stdout).not.toMatch(/initech/i);
  });

  it("accepts placeholders and public vendor domains; nexaas:allow permits a line", async () => {
    const dir = frameworkCopy();
    appendFileSync(
      join(dir, "skills/daily-summary.md"),
      "\nWrite to {{EMAIL}} at {{COMPANY_NAME}} ({{DOMAIN}}); docs: https://docs.anthropic.com and https://github.com/x/y.\n" +
        "Our partner Globex GmbH # nexaas:allow\n",
    );
    expect((await cli(["validate", "--framework", dir], tempDir())).code).toBe(0);
  });

  it("also checks the framework's definitions against the schemas", async () => {
    const dir = frameworkCopy();
    writeFileSync(join(dir, "agents/triage/config.yaml"), "name: triage\ndescription: x\nmax_tokens: lots\n");
    const r = await cli(["validate", "--framework", dir], tempDir());
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^agents\/triage\/config\.yaml:3:\d+ +error/m);
  });

  it("scans .env, data/ and exports/ in the framework folder too: everything there ships", async () => {
    const dir = frameworkCopy();
    mkdirSync(join(dir, "data"));
    mkdirSync(join(dir, "exports"));
    writeFileSync(join(dir, ".env"), "SUPPORT=help@initech-support.com\n");
    writeFileSync(join(dir, "data/notes.md"), "Mail help@initech-support.com\n");
    writeFileSync(join(dir, "exports/notes.md"), "Mail help@initech-support.com\n");
    const r = await cli(["validate", "--framework", dir, "--json"], tempDir());
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { diagnostics: { file: string; rule: string }[] };
    expect(report.diagnostics.map((d) => [d.file, d.rule])).toEqual([
      [".env", "framework-placeholders"],
      ["data/notes.md", "framework-placeholders"],
      ["exports/notes.md", "framework-placeholders"],
    ]);
  });

  it("is a usage error given a file, not a folder", async () => {
    const file = join(tempDir(), "framework.yaml");
    writeFileSync(file, "name: x\n");
    const r = await cli(["validate", "--framework", file], tempDir());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--framework takes a folder: ${file}`);
    expect(r.stderr).not.toMatch(/ENOTDIR|\n\s+at /);
  });

  it("treats every MCP server of the framework as enabled: agents there may name any of them", async () => {
    const dir = frameworkCopy();
    writeFileSync(join(dir, "agents/triage/config.yaml"), "name: triage\ndescription: x\nmcp_servers: [filesystem, fetch]\n");
    expect(await cli(["validate", "--framework", dir], tempDir())).toMatchObject({ code: 0, stdout: "no problems\n" });
  });

  it("is a usage error with --staged, and a clear error for a missing folder", async () => {
    expect((await cli(["validate", "--framework", "framework", "--staged"], packageRoot)).code).toBe(2);
    const r = await cli(["validate", "--framework", join(tempDir(), "nope")], tempDir());
    expect(r).toMatchObject({ code: 1 });
    expect(r.stderr).toMatch(/no framework at/);
  });
});
