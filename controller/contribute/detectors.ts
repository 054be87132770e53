import type { FindingKind } from "./finding.js";
import type { Identity } from "./identity.js";
import { kubernetesSecretData, pemHeader, privateKeyBlocks, secretKindLine } from "./secret-blocks.js";

/** A match of one rule: offsets into the scanned text, end exclusive. */
export interface RawMatch {
  kind: FindingKind;
  rule: string;
  start: number;
  end: number;
}

/**
 * One rule: a global regex run over a file's text, matching within one line (spaces
 * as [ \t], never \s) unless it is meant to span lines. With `group`, only that capture
 * group is the finding (e.g. the password of a URL); `accept` can refuse a match, seeing
 * the value and up to 40 characters of its line before it.
 */
export interface Detector {
  rule: string;
  kind: FindingKind;
  pattern: RegExp;
  group?: number;
  /** The finding runs from this group's start to the match's end (a group inside a lookbehind). */
  startGroup?: number;
  accept?: (value: string, before: string) => boolean;
  /**
   * Lower-case strings of which every match holds one: a file holding none is not
   * searched at all (gitleaks' keywords). For the rules whose pattern opens with a
   * character class, which the regex engine cannot skip ahead to.
   */
  keywords?: readonly string[];
  /** Finds the spans itself (a block rule a single regex would make slow); `pattern` then only finds candidates. */
  find?: (text: string) => [number, number][];
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(value: string): number {
  if (value === "") return 0;
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** Words that mark a value as a stand-in, not a secret (checked case-insensitively, as substrings). */
const stopwords = ["example", "placeholder", "changeme", "change_me", "redacted", "dummy", "your", "xxxx", "****", "<", "process.env", "env.", "secret_ref", "getenv", "environ"];

const isStandIn = (value: string): boolean => {
  const lower = value.toLowerCase();
  return stopwords.some((w) => lower.includes(w)) || value.includes("${") || value.includes("{{");
};

/** An ascending run such as "abcdef" or "123456" (case-insensitive). */
function hasAscendingRun(value: string, length = 6): boolean {
  const v = value.toLowerCase();
  let run = 1;
  for (let i = 1; i < v.length; i++) {
    run = v.charCodeAt(i) === v.charCodeAt(i - 1) + 1 && /[a-z0-9]/.test(v[i] ?? "") ? run + 1 : 1;
    if (run >= length) return true;
  }
  return false;
}

/**
 * Documentation keys (AKIAIOSFODNN7EXAMPLE), "xxxx", "aaaaaaaa", "abcdef…" and "123456…" fillers: what a
 * human typed as a stand-in, not what a key generator produced.
 */
const looksFake = (value: string): boolean => isStandIn(value) || /(.)\1{5,}/.test(value) || hasAscendingRun(value);
/** Filler only: stand-in words and runs of one character ("xxxx", "1111"), not "abcdef". */
export const looksFiller = (value: string): boolean => isStandIn(value) || /(.)\1{5,}/.test(value);
const real = (value: string): boolean => !looksFake(value);

/** RFC 2606 / 6761 names and localhost: never real. */
function isReservedHost(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, "");
  return (
    h === "localhost" ||
    h.endsWith(".localhost") ||
    /(^|\.)example\.(com|org|net)$/.test(h) ||
    /(^|\.)(example|invalid|test)$/.test(h)
  );
}

const octetsOk = (ip: string): boolean => ip.split(".").every((o) => Number(o) <= 255 && (o === "0" || !o.startsWith("0")));

/** Loopback, "this host" and the documentation ranges (RFC 5737) are not findings. */
function isHarmlessIp(ip: string): boolean {
  return ip.startsWith("127.") || ip === "0.0.0.0" || ip.startsWith("192.0.2.") || ip.startsWith("198.51.100.") || ip.startsWith("203.0.113.") || ip === "255.255.255.255";
}

/** Key names that hold no secret though they contain a secret-like word: ids, names, lengths, public and CSRF tokens. */
const notSecretKey = /(?:^|[_.-])(?:public|csrf|xsrf)|public[A-Z_-]?(?:key|token)|(?:id|ids|name|names|length|len|count|type|url|uri|path|file|secrets|sha|sha1|sha256|hash|digest|commit|checksum|etag|integrity|rev|revision)$/i;

const genericUsers = new Set(["user", "username", "you", "yourname", "me", "name", "example", "someone", "runner", "node", "root"]);

const urlEnd = `[^\\s"'<>()\\]\`]*`;

/**
 * Enough different characters for a generated token: "12312312312312312312" or a DNA
 * sequence fits a prefix and a length, never a key generator's output.
 */
const varied = (body: string): boolean => shannonEntropy(body) >= 3;

/** GitLab's token prefixes (docs: "GitLab token overview"), and the runner registration token's. */
const gitlabPrefixes = ["glpat-", "gldt-", "glrt-", "glptt-", "glsoat-", "gloas-", "glcbt-", "glimt-", "glffct-", "glagent-", "glwt-", "glft-", "GR1348941"];

/** The built-in rules, most specific first: on equal spans the first listed wins. */
export const builtinDetectors: readonly Detector[] = [
  // Well-known key formats.
  { rule: "anthropic-api-key", kind: "api_key", pattern: /\bsk-ant-[A-Za-z0-9_-]{20,}/g, accept: real },
  { rule: "openai-api-key", kind: "api_key", pattern: /\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}/g, accept: (v) => real(v) && /\d/.test(v) },
  { rule: "github-token", kind: "api_key", pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/g, accept: real },
  // GitLab's documented prefixes (personal, deploy, runner, trigger, SCIM, OAuth secret, CI job,
  // incoming mail, feature flags, agent, workspace, feed) and the old runner registration token;
  // routable tokens end in ".<version><length>".
  {
    rule: "gitlab-token",
    kind: "api_key",
    pattern: new RegExp(`\\b(?:${gitlabPrefixes.join("|")})[A-Za-z0-9_-]{20,300}(?:\\.[0-9a-z]{2}[0-9a-z]{7})?(?![A-Za-z0-9_-])`, "g"),
    accept: (v) => real(v) && varied(v.replace(/^(?:gl[a-z]+-|GR1348941)/, "")),
    keywords: gitlabPrefixes.map((p) => p.toLowerCase()),
  },
  // Slack tokens carry numeric team/user ids: "xoxb-12345-abcd234" and "xoxb-my-bot-token" are prose.
  { rule: "slack-token", kind: "api_key", pattern: /\bxox[bpase]-\d{6,}-[A-Za-z0-9-]{8,}/g, accept: real },
  // Access key ids of users (AKIA), sessions (ASIA), bearer tokens (ABIA) and contexts (ACCA).
  { rule: "aws-access-key-id", kind: "api_key", pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g, accept: (v) => real(v) && varied(v.slice(4)) },
  { rule: "google-api-key", kind: "api_key", pattern: /\bAIza[0-9A-Za-z_-]{35}/g, accept: real },
  { rule: "stripe-key", kind: "api_key", pattern: /\b[rs]k_(?:live|test|prod)_[A-Za-z0-9]{20,}/g, accept: real },
  // Formats secretlint's preset does not cover (after gitleaks' rule list).
  { rule: "azure-ad-client-secret", kind: "api_key", pattern: /(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/g, accept: real, keywords: ["q~"] },
  { rule: "huggingface-org-token", kind: "api_key", pattern: /\bapi_org_[A-Za-z]{34}\b/g, accept: real },
  { rule: "sonar-token", kind: "api_key", pattern: /\bsq[pua]_[A-Za-z0-9]{40}\b/g },
  { rule: "sourcegraph-token", kind: "api_key", pattern: /\bsgp_(?:local_|[A-Fa-f0-9]{16}_)?[A-Fa-f0-9]{40}\b/g },
  { rule: "square-token", kind: "api_key", pattern: /\bsq0(?:atp|csp)-[A-Za-z0-9_-]{22,}/g },
  { rule: "facebook-access-token", kind: "api_key", pattern: /\bEAA[A-Za-z0-9]{90,}/g },
  { rule: "sentry-token", kind: "api_key", pattern: /\b(?:sntrys_eyJ[A-Za-z0-9+/=_]{40,}|sntryu_[a-f0-9]{64})/g },
  { rule: "intra42-client-secret", kind: "api_key", pattern: /\bs-s4t2(?:ud|af)-[a-f0-9]{64}\b/g },
  { rule: "heroku-api-key", kind: "api_key", pattern: /\bHRKU-AA[A-Za-z0-9_-]{58}/g },
  { rule: "flyio-token", kind: "api_key", pattern: /\b(?:FlyV1 )?fm[12][ar]?_[A-Za-z0-9+/]{100,}={0,3}|\bfo1_[A-Za-z0-9_-]{43}/g },
  { rule: "npm-token", kind: "api_key", pattern: /\bnpm_[A-Za-z0-9]{36}\b/g, accept: real },
  // `nexaas tokens create`: the prefix and 32 random bytes, base64url; exact, so no filler check.
  { rule: "nexaas-token", kind: "api_key", pattern: /\bnxs_[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g },
  { rule: "sendgrid-api-key", kind: "api_key", pattern: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g, accept: real },
  // Provider tokens whose prefix names them (issue 13): prefix, charset and length as documented.
  { rule: "pypi-token", kind: "api_key", pattern: /\bpypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,}/g, accept: real, keywords: ["pypi-"] },
  { rule: "digitalocean-token", kind: "api_key", pattern: /\bdo[opr]_v1_[a-f0-9]{64}\b/g, accept: real, keywords: ["_v1_"] },
  { rule: "postman-api-key", kind: "api_key", pattern: /\bPMAK-[a-fA-F0-9]{24}-[a-fA-F0-9]{34}\b/g, accept: real, keywords: ["pmak-"] },
  { rule: "new-relic-key", kind: "api_key", pattern: /\b(?:NRAK-[A-Z0-9]{27}|NRII-[A-Za-z0-9-]{32}|NRJS-[a-f0-9]{19})(?![A-Za-z0-9_-])/g, accept: (v) => real(v) && varied(v.slice(5)), keywords: ["nrak-", "nrii-", "nrjs-"] },
  { rule: "mailgun-api-key", kind: "api_key", pattern: /\bkey-[a-f0-9]{32}\b/g, accept: (v) => real(v) && varied(v.slice(4)), keywords: ["key-"] },
  { rule: "pulumi-token", kind: "api_key", pattern: /\bpul-[a-f0-9]{40}\b/g, accept: real, keywords: ["pul-"] },
  { rule: "rubygems-api-key", kind: "api_key", pattern: /\brubygems_[a-f0-9]{48}\b/g, accept: real, keywords: ["rubygems_"] },
  { rule: "perplexity-api-key", kind: "api_key", pattern: /\bpplx-[A-Za-z0-9]{48}\b/g, accept: real, keywords: ["pplx-"] },
  { rule: "planetscale-token", kind: "api_key", pattern: /\bpscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.=-]{32,64}(?![A-Za-z0-9_.=-])/g, accept: real, keywords: ["pscale_"] },
  { rule: "age-secret-key", kind: "private_key", pattern: /\bAGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}\b/g, keywords: ["age-secret-key-1"] },
  {
    // Sidekiq Enterprise/Pro gem credentials (user:password, 8 hex each) in Bundler's variable;
    // the variable's name is the format.
    rule: "sidekiq-credentials",
    kind: "password",
    pattern: /\bBUNDLE_(?:ENTERPRISE|GEMS)__CONTRIBSYS__COM["']?[ \t]*(?::|=|:=|=>)[ \t]*["'`]?([a-fA-F0-9]{8}:[a-fA-F0-9]{8})\b/dgi,
    group: 1,
    keywords: ["contribsys"],
  },
  { rule: "kubernetes-secret-data", kind: "api_key", pattern: secretKindLine, find: kubernetesSecretData, keywords: ["secret"] },
  { rule: "private-key", kind: "private_key", pattern: pemHeader, find: privateKeyBlocks, keywords: ["private key"] },
  { rule: "jwt", kind: "jwt", pattern: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g, accept: real },
  // Webhook URLs: the URL is the credential.
  { rule: "slack-webhook", kind: "webhook_url", pattern: new RegExp(`https?://hooks\\.slack\\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/-]+`, "g"), accept: (v) => !isStandIn(v) && !/X{4}|0{6}/.test(v) },
  { rule: "discord-webhook", kind: "webhook_url", pattern: /https:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/\d+\/[A-Za-z0-9_-]+/g },
  { rule: "teams-webhook", kind: "webhook_url", pattern: new RegExp(`https://[A-Za-z0-9-]+\\.(?:webhook\\.office\\.com|logic\\.azure\\.com)/${urlEnd}`, "g") },
  { rule: "zapier-webhook", kind: "webhook_url", pattern: new RegExp(`https://hooks\\.zapier\\.com/hooks/catch/${urlEnd}`, "g"), accept: (v) => /\d/.test(v) },
  {
    rule: "generic-webhook",
    kind: "webhook_url",
    pattern: new RegExp(`https?://([^\\s"'<>/:@]+)(?::\\d+)?/(?:[^\\s"'<>]{0,200}/)?(?:web)?hooks?/[A-Za-z0-9_-]*[0-9][A-Za-z0-9_-]*${urlEnd}`, "g"),
    accept: (v) => {
      const host = /^https?:\/\/([^/:]+)/.exec(v)?.[1] ?? "";
      const token = /hooks?\/([A-Za-z0-9_-]+)/.exec(v)?.[1] ?? "";
      return !isReservedHost(host) && token.length >= 16 && !isStandIn(v);
    },
    keywords: ["hook"],
  },
  // Credentials inside URLs, headers and connection strings.
  {
    rule: "password-in-url",
    kind: "password_in_url",
    // From "://" on, not the scheme: a pattern that opens with a literal lets the engine
    // skip ahead to it (only the password is the finding anyway).
    pattern: /:\/\/[^\s:@/"'{}]+:([^\s@/"']+)@/dg,
    group: 1,
    accept: (v) => !isStandIn(v) && !/^(?:pass(?:word)?|pwd|secret|\*+|x+)$/i.test(v),
    keywords: ["://"],
  },
  {
    rule: "connection-string-password",
    kind: "connection_string",
    pattern: /(?:^|[;"'\s])(?:Password|Pwd|AccountKey|SharedAccessKey)[ \t]*=[ \t]*([^;"'\s]{4,})/dgi,
    group: 1,
    accept: (v) => !isStandIn(v),
    keywords: ["password", "pwd", "accountkey", "sharedaccesskey"],
  },
  { rule: "bearer-token", kind: "bearer_token", pattern: /\bBearer[ \t]+([A-Za-z0-9._~+/-]{16,}=*)/dg, group: 1, accept: real, keywords: ["bearer"] },
  {
    // The other schemes of an Authorization header: Basic (base64 user:password), Token, Api-Token.
    rule: "authorization-header",
    kind: "bearer_token",
    pattern: /\bAuthorization["']?[ \t]*[:=][ \t]*["']?(?:Basic|Token|Api-Token)[ \t]+([A-Za-z0-9._~+/-]{16,}=*)/dgi,
    group: 1,
    accept: real,
    keywords: ["authorization"],
  },
  {
    // curl -u user:password / --user user:password: the password only.
    rule: "curl-user-password",
    kind: "password",
    pattern: /(?:^|\s)(?:-u|--user)[ \t]+["']?[^\s"':]*["']?:["']?([^\s"']{6,})/dg,
    group: 1,
    // Not "$PASS", "<password>", "[PASSWORD]" or a bare word such as "password".
    accept: (v) => !isStandIn(v) && !/^[$<[{]/.test(v) && !/^[A-Za-z]+[>\]]?$/.test(v),
    keywords: ["-u", "--user"],
  },
  {
    // In the spirit of gitleaks' generic-api-key: a secret-ish key, then a high-entropy value.
    rule: "generic-api-key",
    kind: "api_key",
    pattern: /(?:api[_-]?key|apikey|secret|token|passw(?:or)?d|pwd|access[_-]?key|auth[_-]?key|client[_-]?secret|credentials?)[A-Za-z0-9_-]{0,40}["']?[ \t]*(?::|=|:=|=>)[ \t]*["'`]?([^\s"'`,;]{8,})/dgi,
    group: 1,
    accept: (v, before) =>
      real(v) &&
      !/^[A-Z][A-Z0-9_]*$/.test(v) && // an environment variable's name
      !/^[a-z]+(?:[-_.][a-z]+)*$/.test(v) && // a plain word or identifier
      !/\d+\.\d+\.\d+$/.test(v) && // ends with a version
      !notSecretKey.test(/([A-Za-z0-9_.-]+)["']?[ \t]*(?::|=|:=|=>)[ \t]*["'`]?$/.exec(before)?.[1] ?? "") &&
      /\d/.test(v) &&
      shannonEntropy(v) >= 3,
    keywords: ["key", "secret", "token", "passw", "pwd", "credential"],
  },
  // Identity detectors that need no configuration.
  {
    rule: "email",
    kind: "email",
    // Opens with "@" so the engine skips ahead to it; the local part is read behind it.
    pattern: /@(?<=(?<![\p{L}\p{N}._%+:/-])([\p{L}\p{N}._%+-]+)@)[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}(?![\p{L}\p{N}])/dgu,
    startGroup: 1,
    accept: (v) => {
      const host = v.slice(v.lastIndexOf("@") + 1);
      return !isReservedHost(host) && !/\.(?:png|jpe?g|gif|svg|webp)$/i.test(host) && !v.startsWith("git@");
    },
    keywords: ["@"],
  },
  {
    rule: "ipv4",
    kind: "ip_address",
    pattern: /(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)/g,
    accept: (v, before) => octetsOk(v) && !isHarmlessIp(v) && !/(?:\bv|version\s*[:=]?\s*["']?)$/i.test(before),
  },
  {
    rule: "home-path",
    kind: "path",
    pattern: /(?:\/home\/|\/Users\/|\b[A-Za-z]:\\{1,2}Users\\{1,2})([A-Za-z0-9._-]+)/dg,
    accept: (_v, before) => {
      const user = /([A-Za-z0-9._-]+)$/.exec(_v)?.[1] ?? "";
      return !genericUsers.has(user.toLowerCase()) && !before.endsWith("~");
    },
    keywords: ["/home/", "/users/", "\\users\\"],
  },
];

/**
 * Public services a framework file may name (and their subdomains): vendors of the tools
 * agents use, and the specifications the product follows. Anything else that looks like a
 * real domain is a customer's until proven otherwise (`nexaas:allow` on the line).
 */
const publicDomains = [
  "anthropic.com", "claude.ai", "claude.com", "modelcontextprotocol.io", "github.com", "githubusercontent.com",
  "gitlab.com", "npmjs.com", "npmjs.org", "nodejs.org", "pypi.org", "python.org", "docker.com", "docker.io",
  "slack.com", "discord.com", "zapier.com", "microsoft.com", "office.com", "google.com", "googleapis.com",
  "openai.com", "stripe.com", "atlassian.com", "atlassian.net", "pagerduty.com", "sentry.io", "linear.app",
  "notion.so", "json-schema.org", "schemastore.org", "yaml.org", "prometheus.io", "standardwebhooks.com",
  "cel.dev", "kubernetes.io", "pre-commit.com", "iana.org", "ietf.org", "rfc-editor.org", "w3.org",
  "wikipedia.org", "mozilla.org", "semver.org", "spdx.org", "opensource.org", "cron.guru", "crontab.guru",
];
const isPublicDomain = (host: string): boolean => {
  const h = host.toLowerCase();
  return publicDomains.some((d) => h === d || h.endsWith(`.${d}`));
};

/** Common generic top-level domains and the country codes seen most; file extensions (.md, .yaml, .json, .sh) are not among them. */
const tlds = "com|net|org|io|ai|co|dev|app|cloud|tech|biz|info|email|online|site|shop|store|xyz|us|uk|fr|de|eu|ca|au|nl|ch|jp|br|es|it|se|no|dk|fi|pl|be|at|ie|nz|in|sg|hk";

/** Legal forms that make a capitalised name a company's: "Initech Corp", "Globex, Inc.", "Müller GmbH". */
const legalForms = "Inc\\.?|Incorporated|Corp\\.?|Corporation|LLC|L\\.L\\.C\\.|LLP|Ltd\\.?|GmbH|AG|KG|S\\.A\\.S?|SAS|SARL|SA|B\\.?V\\.?|N\\.?V\\.?|plc|PLC|Pty|Oy|AB|ASA|S\\.p\\.A\\.|SpA|S\\.r\\.l\\.|Srl";

/** Capitalised words that open a sentence rather than a name: "Ask Initech Corp" names "Initech Corp". */
const leadWords = "(?:The|A|An|And|Or|Ask|Call|Contact|Email|Escalate|Notify|Ping|Please|See|Send|Tell|To|For|At|By|From|With|Our|Your|Their|Via|Per)";

/** Words that are never part of the name itself: sentence openers, and legal forms ("Inc, Corp and LLC"). */
const notName = `(?:${leadWords}|${legalForms})`;

/**
 * Extra rules for text going upstream (contribute, validate --framework), where no identity
 * names the customer: any domain outside the public list, and any company-like name.
 */
export const upstreamDetectors: readonly Detector[] = [
  {
    rule: "real-domain",
    kind: "domain",
    pattern: new RegExp(`(?<![\\p{L}\\p{N}@._-])(?:[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?\\.)+(?:${tlds})(?![\\p{L}\\p{N}_-]|\\.[\\p{L}\\p{N}])`, "giu"),
    accept: (v) => !isReservedHost(v) && !isPublicDomain(v) && !/^(?:e\.g|i\.e)\./i.test(v),
  },
  {
    rule: "company-like-name",
    kind: "company_name",
    pattern: new RegExp(`(?<![A-Za-z0-9{])(?:(?!${notName}[,\\s])[A-Z][\\p{L}0-9&'-]*[ \\t]+){0,3}(?!${notName}[,\\s])[A-Z][\\p{L}0-9&'-]*,?[ \\t]+(?:${legalForms})(?![\\p{L}0-9])`, "gu"),
  },
];

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Word-bounded, case-insensitive: a term matches in prose, inside URLs and inside emails. */
function termPattern(term: string, separators: string): RegExp {
  const words = term.trim().split(/[\s._-]+/).filter(Boolean).map(escapeRegExp);
  return new RegExp(`(?<![A-Za-z0-9])${words.join(separators)}(?![A-Za-z0-9])`, "gi");
}

/** A term's first word, lower-cased: every match of the term holds it. */
const firstWord = (term: string): string[] => [term.trim().split(/[\s._-]+/)[0]?.toLowerCase() ?? ""];

/** Rules for nexaas.yaml's identity. Names may be written with spaces, dots, hyphens or underscores between words. */
export function identityDetectors(identity: Identity): Detector[] {
  return [
    ...identity.company_names.map((t): Detector => ({ rule: "identity-company", kind: "company_name", pattern: termPattern(t, "[\\s._-]*"), keywords: firstWord(t) })),
    ...identity.domains.map((t): Detector => ({
      rule: "identity-domain",
      kind: "domain",
      pattern: new RegExp(`(?<![A-Za-z0-9-])${escapeRegExp(t.trim())}(?![A-Za-z0-9-])`, "gi"),
      keywords: [t.trim().toLowerCase()],
    })),
    ...identity.people.map((t): Detector => ({ rule: "identity-person", kind: "person", pattern: termPattern(t, "[\\s._-]+"), keywords: firstWord(t) })),
  ];
}

/** How much of its line before a match `accept` sees. */
const BEFORE_CHARS = 40;

/**
 * Every match of every detector in a text; overlapping matches are all returned. Each
 * pattern runs once over the whole text (one regex pass is far cheaper than one per
 * line); patterns keep to one line by matching spaces as [ \t], never \s.
 */
export function runDetectors(text: string, detectors: readonly Detector[]): RawMatch[] {
  const out: RawMatch[] = [];
  let lower: string | undefined;
  for (const d of detectors) {
    if (d.keywords) {
      lower ??= text.toLowerCase();
      const haystack = lower;
      if (!d.keywords.some((k) => haystack.includes(k))) continue;
    }
    if (d.find) {
      for (const [start, end] of d.find(text)) out.push({ kind: d.kind, rule: d.rule, start, end });
      continue;
    }
    d.pattern.lastIndex = 0;
    for (const m of text.matchAll(d.pattern)) {
      const span: readonly [number, number] | undefined =
        d.group !== undefined ? m.indices?.[d.group]
        : d.startGroup !== undefined ? [m.indices?.[d.startGroup]?.[0] ?? m.index, m.index + m[0].length]
        : [m.index, m.index + m[0].length];
      const [start, end] = span ?? [0, 0];
      if (end <= start) continue;
      if (d.accept) {
        const before = text.slice(Math.max(0, start - BEFORE_CHARS), start);
        if (!d.accept(text.slice(start, end), before.slice(before.lastIndexOf("\n") + 1))) continue;
      }
      out.push({ kind: d.kind, rule: d.rule, start, end });
    }
  }
  return out;
}
