import { readdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
// The planted files are in no TypeScript project, so the type-checked rules are off for them;
// the stage rule needs no types.
const eslint = new ESLint({
  cwd: root,
  overrideConfig: {
    files: ["**/*.ts"],
    languageOptions: { parserOptions: { project: null, projectService: false } },
    rules: Object.fromEntries(
      ["no-floating-promises", "no-misused-promises", "no-unsafe-assignment", "no-unsafe-member-access", "no-unsafe-call", "no-unsafe-return", "no-unsafe-argument"].map((r) => [`@typescript-eslint/${r}`, "off"]),
    ),
  },
});

/** The import-x findings of `code` linted as if it were the file at `filePath` (which need not exist). */
async function importFindings(filePath: string, code: string): Promise<{ rule: string | null; message: string }[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId?.startsWith("import-x/")).map((m) => ({ rule: m.ruleId, message: m.message }));
}

const backEdge = { rule: "import-x/no-restricted-paths", message: expect.stringContaining("SPEC §1") };

describe("stage direction (SPEC §1: a folder of controller/ imports only the folders before it)", () => {
  it("fails on a planted back edge: the store importing the planner", async () => {
    expect(await importFindings("controller/store/x.ts", 'import { plan } from "../reconcile/plan.js";\nexport const p = plan;\n')).toEqual([backEdge]);
  });

  it("counts type-only imports, re-exports and dynamic imports, from nested folders too", async () => {
    expect(await importFindings("controller/store/x.ts", 'import type { Plan } from "../reconcile/plan.js";\nexport type P = Plan;\n')).toEqual([backEdge]);
    expect(await importFindings("controller/definitions/rules/x.ts", 'export { missedAfterMs } from "../../scheduler/catch-up.js";\n')).toEqual([backEdge]);
    expect(await importFindings("controller/definitions/x.ts", 'export const scan = () => import("../contribute/scan-source.js");\n')).toEqual([backEdge]);
  });

  it("passes forward edges", async () => {
    const code = 'import { readObjects } from "../store/read-objects.js";\nimport type { ObjectState } from "../definitions/object-state.js";\nimport { resolveRevision } from "../source/resolve-revision.js";\nexport type O = ObjectState;\nexport { readObjects, resolveRevision };\n';
    expect(await importFindings("controller/reconcile/x.ts", code)).toEqual([]);
    expect(await importFindings("controller/controller.ts", 'export { buildServer } from "./api/build-server.js";\n')).toEqual([]);
    expect(await importFindings("cli/x.ts", 'export { Controller } from "../controller/controller.js";\n')).toEqual([]);
  });

  it("keeps llm/ off the store, though the store comes first", async () => {
    expect(await importFindings("controller/llm/x.ts", 'export { recordUsage } from "../store/record-usage.js";\n')).toEqual([
      { rule: "import-x/no-restricted-paths", message: expect.stringContaining("it returns usage") },
    ]);
  });

  it("lets every stage import the shared leaves at controller/ top level, which import no stage", async () => {
    expect(await importFindings("controller/source/x.ts", 'export { systemClock } from "../clock.js";\nexport { packageRoot } from "../package-root.js";\n')).toEqual([]);
    expect(await importFindings("controller/log.ts", 'export { openDatabase } from "./store/open-database.js";\n')).toEqual([
      { rule: "import-x/no-restricted-paths", message: expect.stringContaining("shared leaves") },
    ]);
  });

  it("covers every folder of controller/: none may import the CLI", async () => {
    const folders = readdirSync(resolve(root, "controller"), { withFileTypes: true }).filter((e) => e.isDirectory());
    expect(folders.length).toBeGreaterThanOrEqual(10);
    for (const folder of folders) {
      const findings = await importFindings(`controller/${folder.name}/x.ts`, 'export { command } from "../../cli/plan.js";\n');
      expect(findings, `controller/${folder.name}/ is not in the order of eslint.config.js`).toEqual([backEdge]);
    }
  });

  it("cannot pass an import over unseen: a relative import must resolve", async () => {
    expect(await importFindings("controller/store/x.ts", 'export { plan } from "../reconcile/no-such-file.js";\n')).toEqual([
      { rule: "import-x/no-unresolved", message: expect.stringContaining("no-such-file") },
    ]);
  });
});
