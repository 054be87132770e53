import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";

/** `.env` in the workspace is read at start; the environment wins over it (SPEC §9). */
export function loadEnvFile(workspace: string, env: NodeJS.ProcessEnv): void {
  let text: string;
  try {
    text = readFileSync(join(workspace, ".env"), "utf8");
  } catch {
    return;
  }
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if (env[name] === undefined) env[name] = value;
  }
}
