import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scanSource } from "../../controller/contribute/scan-source.js";
import { readIdentity } from "../../controller/contribute/identity.js";
import { packageRoot } from "../../controller/package-root.js";
import { DirectorySource } from "../../controller/source/directory-source.js";
import { writeTree } from "../support/tree.js";
import { tempDir } from "../cli/helpers.js";

const identityKinds = new Set(["company_name", "domain", "person"]);

describe("scanSource", () => {
  it("framework/ is clean: only placeholders", async () => {
    const r = await scanSource(new DirectorySource(join(packageRoot, "framework")));
    expect(r.scanned).toBeGreaterThan(0);
    expect(r.findings).toEqual([]);
  });

  it("workspace.example yields only its own identity terms (by design), no secrets or other data", async () => {
    const source = new DirectorySource(join(packageRoot, "workspace.example"));
    expect((await readIdentity(source)).company_names).toEqual(["Example Shop"]);
    const r = await scanSource(source);
    expect(r.findings.length).toBeGreaterThan(0);
    expect(r.findings.filter((f) => !identityKinds.has(f.kind))).toEqual([]);
    // nexaas.yaml's identity block declares the names: it is never itself a finding.
    expect(r.findings.filter((f) => f.file === "nexaas.yaml" && f.line >= 18 && f.line <= 21)).toEqual([]);
  });

  it("reads identity from the source, filters by path, skips binary and oversize files", async () => {
    const dir = tempDir();
    writeTree(dir, {
      "nexaas.yaml": "name: x\nidentity:\n  company_names: [Globex]\n",
      "agents/a/prompt.md": "You work for Globex.\n",
      "skills/s.md": "# s\nMail ops@globex-corp.io\n",
      "agents/a/logo.png": Buffer.from([0x89, 0x50, 0x00, 0x47, 0x6c, 0x6f, 0x62, 0x65, 0x78]),
      "agents/a/big.md": "Globex ".repeat(200_000),
      "data/notes.md": "Globex\n",
    });
    const r = await scanSource(new DirectorySource(dir));
    expect(r.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.kind}`)).toEqual([
      "agents/a/prompt.md:1:14 company_name",
      "skills/s.md:2:6 email",
    ]);
    expect(r.skipped).toEqual([
      { file: "agents/a/big.md", reason: "too-large" },
      { file: "agents/a/logo.png", reason: "binary" },
    ]);
    const onlySkills = await scanSource(new DirectorySource(dir), { paths: ["skills"] });
    expect(onlySkills.findings.map((f) => f.file)).toEqual(["skills/s.md"]);
  });

  it("reads a file in another encoding as Latin-1, so names in it are still found", async () => {
    const dir = tempDir();
    writeTree(dir, {
      "nexaas.yaml": "name: x\nidentity:\n  company_names: [Müller Öl]\n",
      "skills/old.md": Buffer.concat([Buffer.from("# old\nFor "), Buffer.from([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72, 0x20, 0xd6, 0x6c]), Buffer.from(" only\n")]),
    });
    const r = await scanSource(new DirectorySource(dir), { secretlint: false });
    expect(r.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.kind}`)).toEqual(["skills/old.md:2:5 company_name"]);
  });
});
