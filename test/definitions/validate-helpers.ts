import { expect } from "vitest";
import { validateWorkspace } from "../../controller/definitions/validate-workspace.js";
import { tempDir } from "../cli/helpers.js";
import { baseWorkspace, type Tree, writeTree } from "../support/tree.js";

const now = new Date("2026-11-23T12:00:00Z");

export async function validate(tree: Tree, setup?: (dir: string) => void) {
  const dir = tempDir();
  writeTree(dir, { ...baseWorkspace, ...tree });
  setup?.(dir);
  return validateWorkspace({ dir, now, frameworkDir: null });
}

export interface Case {
  name: string;
  tree: Tree;
  setup?: (dir: string) => void;
  /** The finding expected: rule, file and line (and severity, default error). */
  want: { rule: string; file: string; line: number; severity?: "error" | "warning"; message?: RegExp };
}

/** The case's finding is among the diagnostics, with its rule, file, line and severity; only warnings leave the workspace valid. */
export async function expectCase({ tree, setup, want }: Case): Promise<void> {
  const result = await validate(tree, setup);
  const found = result.diagnostics.filter((d) => d.rule === want.rule);
  expect(found, JSON.stringify(result.diagnostics, null, 1)).toContainEqual(
    expect.objectContaining({ rule: want.rule, file: want.file, line: want.line, severity: want.severity ?? "error" }),
  );
  if (want.message) expect(found.map((d) => d.message).join("\n")).toMatch(want.message);
  expect(result.ok).toBe((want.severity ?? "error") === "warning");
}
