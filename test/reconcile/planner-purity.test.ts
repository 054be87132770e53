import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The planner, its renderers and the fire-time maths: pure, as changesets keeps its planner. */
const entryPoints = [
  "controller/reconcile/plan.ts",
  "controller/reconcile/render-plan-text.ts",
  "controller/reconcile/render-plan-markdown.ts",
  "controller/reconcile/render-plan-json.ts",
  "controller/definitions/next-fire-time.ts",
];

const forbidden = /^(node:)?(fs|fs\/promises|child_process|net|http|https|worker_threads|sqlite)$|^better-sqlite3$|^simple-git$|^chokidar$/;

/** Value imports (type-only ones vanish at build), followed through our own files. */
function valueImports(file: string): string[] {
  const source = readFileSync(join(root, file), "utf8");
  const specifiers: string[] = [];
  for (const m of source.matchAll(/^\s*(import|export)\s+(type\s+)?([^;]*?)\s+from\s+"([^"]+)"/gm)) {
    if (!m[2] && m[4]) specifiers.push(m[4]);
  }
  for (const m of source.matchAll(/^\s*import\s+"([^"]+)"/gm)) if (m[1]) specifiers.push(m[1]);
  for (const m of source.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g)) if (m[1]) specifiers.push(m[1]);
  return specifiers;
}

describe("the planner does no I/O", () => {
  it("imports neither fs, processes, network nor SQLite, directly or through its own modules", () => {
    const seen = new Set<string>();
    const offenders: string[] = [];
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of valueImports(file)) {
        if (spec.startsWith(".")) visit(relative(root, resolve(root, dirname(file), spec.replace(/\.js$/, ".ts"))));
        else if (forbidden.test(spec)) offenders.push(`${file} imports ${spec}`);
      }
    };
    entryPoints.forEach(visit);
    expect(offenders).toEqual([]);
    expect(seen).toContain("controller/reconcile/field-changes.ts");
    expect(seen).toContain("controller/reconcile/risk-flags.ts");
  });
});
