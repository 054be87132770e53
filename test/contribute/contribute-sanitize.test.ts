import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildPatch } from "../../controller/contribute/build-patch.js";
import { isContributable } from "../../controller/contribute/contributable-paths.js";
import { environmentSecrets } from "../../controller/contribute/env-values.js";
import { findRemaining } from "../../controller/contribute/rescan.js";
import { tempDir } from "../cli/helpers.js";
import { PlaceholderAllocator, sanitizeText, upstreamScanner } from "../../controller/contribute/sanitize.js";
import { scanFile, scannerFor } from "../../controller/contribute/scan-text.js";

const identity = { company_names: ["Globex"], domains: ["globex.example.org"], people: [] };
const scanner = upstreamScanner(identity);

describe("contributable paths", () => {
  it("allows the framework folders only, and never secrets files or databases in them", () => {
    for (const p of ["agents/a/prompt.md", "skills/s.md", "skills/s/SKILL.md", "mcp-servers/m.yaml", "flows/f.yaml", "playbooks/p.md"]) expect(isContributable(p), p).toBe(true);
    for (const p of [".env", ".env.local", "nexaas.yaml", "data/x.db", "exports/a.patch", "registries/r.yaml", "events/e.yaml", "memory/checks.yaml", "scripts/run.sh", "agents", "agents/a/.env", "skills/cache.sqlite3", "agents/a/state.db", "README.md"]) {
      expect(isContributable(p), p).toBe(false);
    }
  });

  it("never offers an environment file, whatever its naming convention", () => {
    const table: [string, boolean][] = [
      ["agents/x/prod.env", false],
      ["agents/x/.envrc", false],
      ["skills/.env.local", false],
      ["skills/.env", false],
      ["flows/.env.production", false],
      ["playbooks/staging.ENV", false],
      ["agents/x/.env/keys.md", false],
      ["skills/s/data.sqlite-wal", false],
      ["skills/environment.md", true],
      ["skills/envelope.yaml", true],
      ["agents/x/prod.env.md", true],
      ["agents/x/setup-env.sh", true],
    ];
    for (const [path, contributable] of table) expect(isContributable(path), path).toBe(contributable);
  });
});

describe("sanitizeText", () => {
  it("numbers distinct values per placeholder and reports lines of the result", async () => {
    const text = "Globex and Initech\nGLOBEX again\n";
    const findings = await scanFile("a.md", text, scannerFor({ ...identity, company_names: ["Globex", "Initech"] }, { upstream: true }));
    const out = sanitizeText(text, findings, new PlaceholderAllocator());
    expect(out.text).toBe("{{COMPANY_NAME}} and {{COMPANY_NAME_2}}\n{{COMPANY_NAME}} again\n");
    expect(out.replacements).toEqual([
      { line: 1, kind: "company_name", placeholder: "{{COMPANY_NAME}}" },
      { line: 1, kind: "company_name", placeholder: "{{COMPANY_NAME_2}}" },
      { line: 2, kind: "company_name", placeholder: "{{COMPANY_NAME}}" },
    ]);
  });

  it("gives one company, person or domain written differently one placeholder; secrets stay exact", () => {
    const allocator = new PlaceholderAllocator();
    const company = (v: string) => allocator.placeholderFor("company_name", "{{COMPANY_NAME}}", v);
    expect(["Müller Öl", "müller-öl", "MÜLLER_ÖL", "Müller.Öl", "müller  -  öl"].map(company)).toEqual(Array(5).fill("{{COMPANY_NAME}}"));
    expect(company("Müller Ölwerke")).toBe("{{COMPANY_NAME_2}}");
    expect(allocator.placeholderFor("person", "{{PERSON}}", "Jane Doe")).toBe(allocator.placeholderFor("person", "{{PERSON}}", "jane.doe"));
    expect(allocator.placeholderFor("domain", "{{DOMAIN}}", "globex-corp.example")).toBe(allocator.placeholderFor("domain", "{{DOMAIN}}", "GlobexCorp.Example"));
    const key = (v: string) => allocator.placeholderFor("api_key", "{{API_KEY}}", v);
    expect([key("ab-cd"), key("abcd"), key("AB-CD")]).toEqual(["{{API_KEY}}", "{{API_KEY_2}}", "{{API_KEY_3}}"]);
  });

  it("counts lines after a multi-line value as they are in the result", () => {
    const text = "a\nKEY1\nKEY2\nKEY3\nGlobex\n";
    const findings = [
      { file: "x", line: 2, column: 1, kind: "private_key", rule: "r", placeholder: "{{PRIVATE_KEY}}", start: 2, end: 16, masked: "" },
      { file: "x", line: 5, column: 1, kind: "company_name", rule: "r", placeholder: "{{COMPANY_NAME}}", start: 17, end: 23, masked: "" },
    ] as const;
    const out = sanitizeText(text, findings, new PlaceholderAllocator());
    expect(out.text).toBe("a\n{{PRIVATE_KEY}}\n{{COMPANY_NAME}}\n");
    expect(out.replacements.map((r) => r.line)).toEqual([2, 3]);
  });

  it("does not let nexaas:allow keep a value out of the upstream scan", async () => {
    const findings = await scanFile("a.md", "Globex is fine here # nexaas:allow\n", scanner);
    expect(findings.map((f) => f.kind)).toEqual(["company_name"]);
  });
});

describe("findRemaining", () => {
  it("reports what a stricter scanner still finds in sanitized text, and in file names (line 0)", async () => {
    const first = scannerFor({ company_names: [], domains: [], people: [] }, { upstream: true });
    const text = "Welcome to Hooli support.\n";
    const sanitized = sanitizeText(text, await scanFile("a.md", text, first), new PlaceholderAllocator()).text;
    expect(await findRemaining([{ path: "framework/skills/a.md", text: sanitized }], first)).toEqual([]);
    const stricter = scannerFor({ company_names: ["Hooli"], domains: [], people: [] }, { upstream: true });
    const remaining = await findRemaining(
      [
        { path: "framework/skills/a.md", text: sanitized },
        { path: "framework/skills/hooli/SKILL.md", text: "# Fine\n" },
      ],
      stricter,
    );
    expect(remaining.map((f) => `${f.file}:${f.line}:${f.column} ${f.kind} ${f.rule}`)).toEqual([
      "framework/skills/a.md:1:12 company_name identity-company",
      "framework/skills/hooli/SKILL.md:0:18 company_name identity-company",
    ]);
  });
});

describe("buildPatch", () => {
  it("writes git headers for new and changed files, and marks a missing final newline", () => {
    const patch = buildPatch([
      { path: "framework/skills/n.md", pre: null, post: "# N\nno newline" },
      { path: "framework/skills/m.md", pre: "a\nb\n", post: "a\nc\n" },
    ]);
    expect(patch).toBe(
      [
        "diff --git a/framework/skills/n.md b/framework/skills/n.md",
        "new file mode 100644",
        "--- /dev/null",
        "+++ b/framework/skills/n.md",
        "@@ -0,0 +1,2 @@",
        "+# N",
        "+no newline",
        "\\ No newline at end of file",
        "diff --git a/framework/skills/m.md b/framework/skills/m.md",
        "--- a/framework/skills/m.md",
        "+++ b/framework/skills/m.md",
        "@@ -1,2 +1,2 @@",
        " a",
        "-b",
        "+c",
        "",
      ].join("\n"),
    );
  });
});

describe("environmentSecrets", () => {
  it("takes .env values but plain settings, and credential-named variables of the process", () => {
    const dir = tempDir();
    const token = "q7Lw" + "2Rz9Xk4vPm81";
    const hook = "https://hooks.example.org/" + "T0A8/x9Kq2LmZ7";
    writeFileSync(join(dir, ".env"), `CRM_TOKEN=${token}\nANTHROPIC_BASE_URL=http://127.0.0.1:8080\nSLACK_WEBHOOK_URL=${hook}\nLOG_LEVEL=info\nSHORT=a1\n`);
    const env = { HOME_DIR_2: "/home/runner/work/2024", GITHUB_TOKEN: "ghp" + "_Zr5Thq0W2ns8VbL3", PATH: "/usr/bin:/bin:/usr/local/bin2" };
    expect(environmentSecrets(dir, env).sort()).toEqual([token, hook, env.GITHUB_TOKEN].sort());
    expect(environmentSecrets(join(dir, "missing"), {})).toEqual([]);
  });
});
