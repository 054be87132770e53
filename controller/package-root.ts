import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The product's root folder (where framework/, schemas/ and workspace.example/ live).
 * Found by walking up, because this file runs both from source (vitest) and from dist/.
 */
export const packageRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "schemas"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error("nexaas: cannot find the package root above " + fileURLToPath(import.meta.url));
    dir = parent;
  }
})();

export function readPackageVersion(): string {
  const manifest: unknown = JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8"));
  if (manifest && typeof manifest === "object" && "version" in manifest && typeof manifest.version === "string") return manifest.version;
  throw new Error(`nexaas: ${join(packageRoot, "package.json")} has no version`);
}
