import type { lintSource as LintSourceFn } from "@secretlint/core";
import type { SecretLintCoreConfig } from "@secretlint/types";
import { type RawMatch, looksFiller } from "./detectors.js";
import type { FindingKind } from "./finding.js";

/**
 * secretlint's recommended preset, run through its core API: a maintained set of
 * key formats (cloud providers, SaaS tokens, private keys, basic auth, connection
 * strings) beside our own rules. Loaded on first use: it is a large module and
 * validate never needs it.
 */
type LintSource = typeof LintSourceFn;
let loaded: Promise<{ lintSource: LintSource; config: SecretLintCoreConfig }> | undefined;

function load(): Promise<{ lintSource: LintSource; config: SecretLintCoreConfig }> {
  loaded ??= (async () => {
    const [{ lintSource }, { creator }, { secretLintProfiler }] = await Promise.all([
      import("@secretlint/core"),
      import("@secretlint/secretlint-rule-preset-recommend"),
      import("@secretlint/profiler"),
    ]);
    // secretlint's core marks every lint with perf_hooks and its profiler keeps every
    // mark for the life of the process, searching them all on each new one: scanning
    // 2,400 files spent 38 of 49 s there, and a long-lived controller would grow without
    // end. We never read the profile, so the marks are dropped.
    secretLintProfiler.mark = () => undefined;
    return { lintSource, config: { rules: [{ id: creator.meta.id, rule: creator, options: {} }] } };
  })();
  return loaded;
}

/** secretlint rule id (without its package prefix) to our finding kind; any other rule is an API key. */
const kindByRule: Record<string, FindingKind> = {
  privatekey: "private_key",
  "secp256k1-privatekey": "private_key",
  basicauth: "password_in_url",
  "database-connection-string": "password_in_url",
  slack: "api_key",
};

/** `scheme://user:password@` inside a reported URL: only the password is replaced, so the URL stays readable. */
const userinfo = /^[a-z][a-z0-9+.-]*:\/\/[^\s:@/"']+:([^\s"']+)@/di;

/** secretlint's findings in one file, as spans of the text (end exclusive). Rule ids read `secretlint/<rule>`. */
export async function secretlintMatches(file: string, text: string): Promise<RawMatch[]> {
  const { lintSource, config } = await load();
  const result = await lintSource({
    source: { filePath: file, content: text, contentType: "text" },
    options: { config, maskSecrets: true, noPhysicFilePath: true },
  });
  const out: RawMatch[] = [];
  for (const m of result.messages) {
    const name = m.ruleId.replace(/^@secretlint\/secretlint-rule-/, "");
    let [start, end] = m.range;
    let kind = kindByRule[name] ?? "api_key";
    // "ghp_xxxx…", "glc_1111…": documentation fillers, which our own rules pass over too.
    if (kind === "api_key" && looksFiller(text.slice(start, end))) continue;
    // A Slack webhook URL is a webhook URL to us, whichever rule found it.
    if (text.startsWith("https://hooks.slack.com/", start)) kind = "webhook_url";
    if (kind === "password_in_url") {
      const password = userinfo.exec(text.slice(start, end))?.indices?.[1];
      // The URL's last "@" ends the userinfo, so a password holding "@" stays whole.
      if (password) [start, end] = [start + password[0], start + password[1]];
    }
    out.push({ kind, rule: `secretlint/${name}`, start, end });
  }
  return out;
}
