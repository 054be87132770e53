import type { Diagnostic } from "../diagnostic.js";
import type { Rule } from "./rule.js";

/**
 * nexaas.yaml `notifications`: names are unique (logs and dedup go by name), a
 * generic webhook has a signing secret (its receiver verifies every request),
 * and a Slack target has none (Slack's incoming webhooks sign nothing: a secret
 * there would read as protection it is not).
 */
export const notificationTargets: Rule = ({ defs }) => {
  const manifest = defs.manifest;
  if (!manifest) return [];
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  const report = (path: (string | number)[], message: string, key = false) =>
    out.push({ file: manifest.source.file, ...manifest.source.at(path, { key }), rule: "notification-targets", severity: "error", message });
  for (const [i, target] of (manifest.spec.notifications ?? []).entries()) {
    if (seen.has(target.name)) report(["notifications", i, "name"], `a second notification target named "${target.name}": names must be unique`);
    seen.add(target.name);
    if (target.type === "slack" && target.secret !== undefined) {
      report(["notifications", i, "secret"], `"secret" is for type webhook only: a Slack incoming webhook signs nothing, its URL is the credential`, true);
    }
    if (target.type === "webhook" && target.secret === undefined) {
      report(["notifications", i], `type webhook needs "secret": "\${NAME}", the Standard Webhooks signing secret (whsec_<base64>) its receiver verifies`);
    }
  }
  return out;
};
