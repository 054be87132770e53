import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** Where the browser tests look for Chromium, in order: $CHROMIUM_PATH, then Debian's names on PATH. */
const names = ["chromium", "chromium-browser"];

/**
 * Debian's Chromium (`apt-get install chromium`, as .ci/run does), or why there is none: the
 * browser tests skip with that reason and nothing less (playwright-core downloads no browser).
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): { path: string } | { missing: string } {
  const executable = (path: string): boolean => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (env.CHROMIUM_PATH) {
    return executable(env.CHROMIUM_PATH) ? { path: env.CHROMIUM_PATH } : { missing: `CHROMIUM_PATH=${env.CHROMIUM_PATH} is not an executable file` };
  }
  const dirs = (env.PATH ?? "").split(delimiter).filter(Boolean);
  for (const name of names) {
    for (const dir of dirs) {
      if (executable(join(dir, name))) return { path: join(dir, name) };
    }
  }
  return { missing: `no Chromium: neither ${names.join(" nor ")} on PATH and no CHROMIUM_PATH (install it: apt-get install chromium)` };
}
