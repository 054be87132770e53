import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Diagnostic } from "../definitions/diagnostic.js";
import { validateFramework } from "../definitions/validate-framework.js";
import type { PatchFile } from "./build-patch.js";
import { scanFramework } from "./scan-framework.js";

/**
 * What the product's own check (`validate --framework`) would say once the patch is
 * applied: the framework is copied to a temporary folder, the sanitized files written
 * over it, and the changed files validated (an agent naming a skill only the customer
 * has, a field the schema refuses). Paths are the product's (framework/...).
 */
export async function checkUpstream(frameworkDir: string, files: readonly PatchFile[]): Promise<Diagnostic[]> {
  const root = mkdtempSync(join(tmpdir(), "nexaas-upstream-"));
  try {
    const framework = join(root, "framework");
    cpSync(frameworkDir, framework, { recursive: true });
    const changed = files.map((f) => f.path.replace(/^framework\//, ""));
    for (const [i, f] of files.entries()) {
      const target = join(framework, changed[i] ?? "");
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, f.post);
    }
    const result = await validateFramework(framework, scanFramework, changed);
    return result.diagnostics.filter((d) => d.severity === "error").map((d) => ({ ...d, file: `framework/${d.file}` }));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
