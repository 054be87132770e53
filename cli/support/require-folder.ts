import { stat } from "node:fs/promises";
import { CommandError, UsageError } from "./errors.js";

/**
 * Checks a folder the command reads before reading it: a missing one is a failure
 * ("no workspace at DIR"), a file where a folder belongs is a wrong argument.
 */
export async function requireFolder(dir: string, what: "workspace" | "framework"): Promise<void> {
  const stats = await stat(dir).catch(() => undefined);
  if (stats === undefined) throw new CommandError(`no ${what} at ${dir}`, "not-found");
  if (!stats.isDirectory()) throw new UsageError(`--${what} takes a folder: ${dir} is not one`);
}
