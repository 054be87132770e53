import { cpSync, existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../controller/package-root.js";
import { git, gitIdentity, tempDir } from "../cli/helpers.js";
import { gitWorkspace } from "../support/git-workspace.js";
import { baseWorkspace } from "../support/tree.js";

// Fake values, assembled at run time so no file holds a literal key or webhook.
export const apiKey = "sk-ant-api03-" + "Qm7vR2xK9pL4wT8zN3bH6jY1cF5dG0sA".repeat(3).slice(0, 90);
export const webhook = "https://hooks.slack.com/services/" + "T04KQ8ZP2LM" + "/" + "B06RX3JW9HN" + "/" + "uV7wX2yZ9aB4cD6eF8gH1iJ3";
export const email = "ops" + "@globex-industries.com";
/** Every value that must never leave the workspace. */
export const raw = [apiKey, webhook, email, "Globex Industries", "globex-industries.com", "globex-industries"];

export const manifest = `name: test-ops
timezone: Europe/Paris
defaults:
  agent: helper
identity:
  company_names: [Globex Industries, Initech]
  domains: [globex-industries.com]
`;

export const leakyPrompt = `You help the Globex Industries operations team.
Use the key ${apiKey} for the API.
Status page: https://status.globex-industries.com/incidents
Escalate to ${email} and post to ${webhook}
Globex Industries again, and Initech too.
`;

/** The product's own triage prompt: a workspace copy of it exercises the "modified file" side of the patch. */
export const triage = readFileSync(join(packageRoot, "framework/agents/triage/prompt.md"), "utf8");

export const workspace = () => gitWorkspace({ ...baseWorkspace, "nexaas.yaml": manifest, "agents/triage/prompt.md": triage });

/** A fresh copy of the product repository: its framework/ folder, committed. */
export function productRepo(): string {
  const dir = tempDir("nexaas-product-");
  git(dir, "init", "-q", "-b", "main");
  gitIdentity(dir);
  cpSync(join(packageRoot, "framework"), join(dir, "framework"), { recursive: true });
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", "product");
  return dir;
}

export const exportsOf = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).sort() : []);
