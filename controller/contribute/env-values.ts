import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { type Detector, shannonEntropy } from "./detectors.js";

/** Environment names that hold credentials (the controller's own ANTHROPIC_API_KEY, API_KEY, webhook secrets...). */
const secretName = /KEY|TOKEN|SECRET|PASS|PWD|CREDENTIAL|WEBHOOK|AUTH/i;

/** Names of plain settings (a base URL, a port, a path) that a .env also holds: their values are no secret. */
const settingName = /(?:^|_)(?:URL|URI|HOST|HOSTNAME|PORT|PATH|DIR|FILE|LEVEL|SIZE|SECONDS|TIMEOUT|MODE|ENV|REGION|ZONE|TZ|TIMEZONE|MODEL|VERSION)$/i;

/** A value worth looking for: long and random enough that finding it in a file is no coincidence. */
const secretLike = (value: string): boolean => value.length >= 12 && shannonEntropy(value) >= 3 && /\d/.test(value);

/**
 * Secret values known to this machine: every secret-like value of the workspace's `.env`
 * but plain settings, and of the process environment under a credential-like name. Whatever their format, a
 * literal copy of one in a file is a leak (SPEC §8: environment secrets never reach a patch).
 * The values stay in memory.
 */
export function environmentSecrets(workspace: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const values = new Set<string>();
  let text = "";
  try {
    text = readFileSync(join(workspace, ".env"), "utf8");
  } catch {
    // no .env: only the process environment
  }
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if (value !== undefined && (secretName.test(name) || !settingName.test(name)) && secretLike(value)) values.add(value);
  }
  for (const [name, value] of Object.entries(env)) if (value !== undefined && secretName.test(name) && secretLike(value)) values.add(value);
  return [...values];
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** One rule per value: its literal occurrences, whatever surrounds them. */
export function environmentDetectors(values: readonly string[]): Detector[] {
  return values.map((value) => ({
    rule: "environment-value",
    kind: "api_key",
    pattern: new RegExp(escapeRegExp(value), "g"),
    keywords: [value.toLowerCase()],
  }));
}
