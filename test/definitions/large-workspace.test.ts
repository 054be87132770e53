import { describe, expect, it } from "vitest";
import { validateWorkspace } from "../../controller/definitions/validate-workspace.js";
import { parallelThreshold } from "../../controller/definitions/parse-in-workers.js";
import { tempDir } from "../cli/helpers.js";
import { baseWorkspace, type Tree, writeTree } from "../support/tree.js";

describe("a workspace large enough to be parsed on worker threads", () => {
  it("reports schema errors and cross-file errors at their lines, as a small one does", async () => {
    const tree: Tree = { ...baseWorkspace };
    for (let i = 0; i < parallelThreshold + 100; i++) {
      tree[`events/e-${i}.yaml`] = `description: Event ${i}\ncondition: {type: interval, expr: ${(i % 50) + 1}m}\naction: {type: script, command: ./check.sh}\n`;
    }
    tree["events/e-7.yaml"] = "description: Bad type\nenabled: maybe\ncondition: {type: interval, expr: 5m}\naction: {type: script, command: ./x.sh}\n";
    tree["events/e-900.yaml"] = "description: Unknown agent\ncondition: {type: interval, expr: 5m}\naction:\n  type: claude_chat\n  agent: ghost\n  prompt: hi\n";
    const dir = tempDir();
    writeTree(dir, tree);
    const { diagnostics, defs } = await validateWorkspace({ dir, frameworkDir: null });
    expect(diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.rule}`)).toEqual([
      "events/e-7.yaml:2:10 schema",
      "events/e-900.yaml:5:10 unknown-reference",
    ]);
    expect(defs.events.size).toBe(parallelThreshold + 99);
    expect(defs.events.get("e-42")?.spec.condition).toEqual({ type: "interval", expr: "43m" });
  });
});
