import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseWithPositions } from "yaml";
import { describe, expect, it } from "vitest";
import { checkYamlFile } from "../../controller/definitions/check-yaml-file.js";
import { validateWorkspace } from "../../controller/definitions/validate-workspace.js";
import { packageRoot } from "../../controller/package-root.js";
import { DirectorySource } from "../../controller/source/directory-source.js";
import { tempDir } from "../cli/helpers.js";
import { baseWorkspace, type Tree, writeTree } from "../support/tree.js";

describe("the fast YAML path (js-yaml for values, yaml for positions)", () => {
  it("gives the values the yaml library gives, for every YAML file the product ships", async () => {
    const files: string[] = [];
    for (const root of ["workspace.example", "framework"]) {
      const entries = await new DirectorySource(join(packageRoot, root)).list();
      files.push(...entries.filter((e) => /\.ya?ml$/.test(e.path)).map((e) => join(packageRoot, root, e.path)));
    }
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      const kind = file.includes("/events/") ? "event" : file.includes("/flows/") ? "flow" : file.endsWith("nexaas.yaml") ? "nexaas" : undefined;
      if (!kind) continue;
      expect(checkYamlFile(file, text, kind).value, file).toEqual(parseWithPositions(text));
    }
  });

  it("reads YAML 1.2 core scalars as the yaml library does (no YAML 1.1 booleans or timestamps)", () => {
    const text = [
      "description: yes",
      "enabled: true",
      "condition: {type: once, expr: 2027-01-04T09:00:00+01:00}",
      "action:",
      "  type: webhook",
      "  url: https://hooks.example/x",
      "  method: POST",
      "  headers: {X-Multi: \"a: b\"}",
      "  body:",
      "    flow: {on: off, n: 0o17, e: 1e3, inf: .inf, nil: ~, date: 2027-01-04, quoted: '07', big: 12345678901234}",
      "    multi: |",
      "      line one",
      "      line two",
      "    folded: >-",
      "      one",
      "      two",
    ].join("\n");
    const fast = checkYamlFile("e.yaml", text, "event");
    expect(fast.diagnostics).toEqual([]);
    expect(fast.value).toEqual(parseWithPositions(text));
  });

  it("sends files with anchors through the alias-limited parser", () => {
    const text = "description: &d hi\ncondition: {type: interval, expr: 5m}\naction: {type: script, command: *d}\n";
    const result = checkYamlFile("e.yaml", text, "event");
    expect(result.value).toMatchObject({ action: { command: "hi" } });
  });

  it("reports cross-file errors at their lines in a large valid workspace (positions parsed on demand)", async () => {
    const tree: Tree = { ...baseWorkspace };
    for (let i = 0; i < 400; i++) {
      tree[`events/e-${i}.yaml`] = `description: Event ${i}\ncondition: {type: interval, expr: ${(i % 50) + 1}m}\naction: {type: script, command: ./check.sh}\n`;
    }
    tree["events/e-7.yaml"] = "description: Bad type\nenabled: maybe\ncondition: {type: interval, expr: 5m}\naction: {type: script, command: ./x.sh}\n";
    tree["events/e-300.yaml"] = "description: Unknown agent\ncondition: {type: interval, expr: 5m}\naction:\n  type: claude_chat\n  agent: ghost\n  prompt: hi\n";
    const dir = tempDir();
    writeTree(dir, tree);
    const { diagnostics, defs } = await validateWorkspace({ dir, frameworkDir: null });
    expect(diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.rule}`)).toEqual([
      "events/e-300.yaml:5:10 unknown-reference",
      "events/e-7.yaml:2:10 schema",
    ]);
    expect(defs.events.size).toBe(399);
    expect(defs.events.get("e-42")?.spec.condition).toEqual({ type: "interval", expr: "43m" });
  });
});
