import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** `20261123T091500Z`: sortable, and valid in a file name on every OS. */
export const exportTimestamp = (now: Date): string => now.toISOString().replace(/\.\d{3}Z$/, "Z").replace(/[-:]/g, "");

/**
 * Writes `<out>/nexaas-<timestamp>.patch` and the report beside it as `.json`, creating
 * `out` if needed. An existing export is never overwritten: a second export within the
 * same second gets a `-2`, `-3`… suffix. Returns the patch's path.
 */
export async function writeExport(out: string, now: Date, patch: string, report: (patchPath: string) => unknown): Promise<string> {
  await mkdir(out, { recursive: true });
  const stem = `nexaas-${exportTimestamp(now)}`;
  for (let n = 1; ; n++) {
    const base = join(out, n === 1 ? stem : `${stem}-${n}`);
    try {
      // "wx" fails when the file exists, so two runs cannot race onto one name.
      await writeFile(`${base}.patch`, patch, { flag: "wx" });
    } catch (error) {
      if (error instanceof Error && "code" in error && error.code === "EEXIST") continue;
      throw error;
    }
    try {
      await writeFile(`${base}.json`, JSON.stringify(report(`${base}.patch`), null, 2) + "\n", { flag: "wx" });
    } catch (error) {
      // A stray report of that name: give up this name rather than pair the patch with it.
      await rm(`${base}.patch`, { force: true });
      if (error instanceof Error && "code" in error && error.code === "EEXIST") continue;
      throw error;
    }
    return `${base}.patch`;
  }
}
