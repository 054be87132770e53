import { describe, expect, it } from "vitest";
import { shannonEntropy } from "../../controller/contribute/detectors.js";
import { maskValue } from "../../controller/contribute/finding.js";
import type { Identity } from "../../controller/contribute/identity.js";
import { scanFile, scanText, scannerFor } from "../../controller/contribute/scan-text.js";

// Fake credentials, assembled at run time so this file holds no literal key.
const body = "a1B2c3D4e5F6g7H8i9J0kLmN";
const fake = {
  anthropic: `sk-ant-api03-${body}${body}`,
  openai: `sk-proj-${body}${body}`,
  github: `ghp_${body}${body}`.slice(0, 40),
  githubPat: `github_pat_${body}_${body}`,
  gitlab: `glpat-${body}`,
  slack: `xoxb-${"8203945716"}-${body}`,
  aws: `AKIA${"IOSFODNN7EXAMPL1"}`,
  google: `AIza${body}${body}`.slice(0, 39),
  stripe: `sk_live_${body}`,
  nexaas: `nxs_${body}${body}`.slice(0, 47),
  jwt: `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.${body}`,
};

const kinds = (line: string, identity?: Identity) => scanText("f.md", line, identity).map((f) => `${f.kind}/${f.rule}`);
const values = (line: string, identity?: Identity) => scanText("f.md", line, identity).map((f) => line.slice(f.start, f.end));

describe("secret detectors", () => {
  it.each([
    ["anthropic", fake.anthropic, "anthropic-api-key"],
    ["openai", fake.openai, "openai-api-key"],
    ["github", fake.github, "github-token"],
    ["github pat", fake.githubPat, "github-token"],
    ["gitlab", fake.gitlab, "gitlab-token"],
    ["slack token", fake.slack, "slack-token"],
    ["aws", fake.aws, "aws-access-key-id"],
    ["google", fake.google, "google-api-key"],
    ["stripe", fake.stripe, "stripe-key"],
    ["nexaas", fake.nexaas, "nexaas-token"],
  ])("finds a %s key, spanning exactly the key", (_name, key, rule) => {
    const line = `  key: "${key}" # prod`;
    const found = scanText("agents/a/prompt.md", line);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ file: "agents/a/prompt.md", line: 1, column: line.indexOf(key) + 1, kind: "api_key", rule, placeholder: "{{API_KEY}}" });
    expect(line.slice(found[0]?.start, found[0]?.end)).toBe(key);
    expect(found[0]?.masked).not.toContain(key.slice(0, 8));
  });

  it("finds a JWT, a PEM private key header and a bearer token", () => {
    expect(kinds(`token ${fake.jwt}`)).toEqual(["jwt/jwt"]);
    expect(scanText("k.pem", "-----BEGIN RSA PRIVATE KEY-----")[0]).toMatchObject({ kind: "private_key", placeholder: "{{PRIVATE_KEY}}" });
    expect(kinds("-----BEGIN OPENSSH PRIVATE KEY-----")).toEqual(["private_key/private-key"]);
    expect(values(`Authorization: Bearer Zx81kQ0pLm2Nv4Rt7Yw9`)).toEqual(["Zx81kQ0pLm2Nv4Rt7Yw9"]);
    expect(kinds(`Authorization: Bearer Zx81kQ0pLm2Nv4Rt7Yw9`)).toEqual(["bearer_token/bearer-token"]);
  });

  it("finds the password of a URL and of a connection string, and only that", () => {
    const url = "DATABASE_URL=postgres://app:S3cr3tPassw0rd@db.internal.acme.io:5432/app";
    expect(scanText("f", url).map((f) => [f.kind, url.slice(f.start, f.end), f.placeholder])).toEqual([["password_in_url", "S3cr3tPassw0rd", "{{PASSWORD}}"]]);
    const conn = "Server=tcp:sql1;Database=app;User Id=sa;Password=Qw3rty!98765;";
    expect(scanText("f", conn).map((f) => [f.kind, conn.slice(f.start, f.end)])).toEqual([["connection_string", "Qw3rty!98765"]]);
  });

  it("finds the formats secretlint's preset lacks, and credentials in curl and Authorization headers", () => {
    expect(kinds(`client_secret: ${"Qt8"}8Q~9C-_Ij~RouHVpD2Tuf3oHWGh.DQ3kcjbAn`)).toEqual(["api_key/azure-ad-client-secret"]);
    expect(kinds(`SONAR_TOKEN=${"squ_"}${body}${body}`.slice(0, 56))).toEqual(["api_key/sonar-token"]);
    expect(values(`curl --user 'api:d2LkV78zLx!t' https://api.mailgun.net`)).toEqual(["d2LkV78zLx!t"]);
    expect(kinds(`curl -u "$USER:$PASS" https://x; curl --user neo4j:[PASSWORD] http://h; curl -u "username:password"`)).toEqual([]);
    expect(values(`curl -H 'Authorization: Basic ${"djJlNEpYa0NJUHZ5a2FWT0VRXzRq"}' https://x`)).toEqual(["djJlNEpYa0NJUHZ5a2FWT0VRXzRq"]);
    expect(kinds(`xoxb-12345-abcd234 and xoxb-xoxb-my-bot-token`)).toEqual([]);
  });

  it("generic rule: a secret-ish key with a high-entropy value", () => {
    expect(values(`api_key = "q8Zr4mT1vX9cK2pW7nB3"`)).toEqual(["q8Zr4mT1vX9cK2pW7nB3"]);
    expect(values(`CLIENT_SECRET: 9fK2mQ7xL1pZ8rT4`)).toEqual(["9fK2mQ7xL1pZ8rT4"]);
    expect(kinds(`password: "hunter2hunter2"`)).toEqual([]); // low entropy
    expect(kinds(`api_key: ANTHROPIC_API_KEY`)).toEqual([]); // an env var's name
    expect(kinds(`token_budget: 4096`)).toEqual([]);
    expect(kinds(`api_key: your-api-key-here-123`)).toEqual([]); // stopword
    expect(kinds(`secret: changeme12345678`)).toEqual([]);
    // Keys that name no secret: ids, names, lengths, public and CSRF tokens; and version values.
    expect(kinds(`credentialId: "B9mTcFSck2LzJO2S3ols63"`)).toEqual([]);
    expect(kinds(`publicToken = "9Cnzj4p4WGeKLs1Pt8QuKUpRKfFLfRYC9AIKjbJTWit"`)).toEqual([]);
    expect(kinds(`csrf-token=Mj2qykJO5rELyHgezQ69nzUX0i3OH67V7`)).toEqual([]);
    expect(kinds(`LLM_SECRET_NAME = "NEXUS-GPT4-API-KEY"`)).toEqual([]);
    expect(kinds(`notes = "io.jsonwebtoken:jjwt-jackson-0.11.2"`)).toEqual([]);
    expect(kinds(`client_secret: "9Cnzj4p4WGeKLs1Pt8QuKUpRKfFLfRYC9AIKjbJTWit"`)).toEqual(["api_key/generic-api-key"]);
    expect(shannonEntropy("aaaa")).toBe(0);
    expect(shannonEntropy("abcd")).toBe(2);
  });
});

describe("private key blocks", () => {
  const pem = ["-----BEGIN RSA PRIVATE KEY-----", "Proc-Type: 4,ENCRYPTED", "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo", "4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u", "-----END RSA PRIVATE KEY-----"];

  it("spans the whole block, from BEGIN to END, as one finding", () => {
    const text = `intro\nkey: |\n${pem.map((l) => `  ${l}`).join("\n")}\nafter: 1\n`;
    const found = scanText("k.yaml", text);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ line: 3, column: 3, kind: "private_key" });
    expect(text.slice(found[0]?.start, found[0]?.end)).toBe(pem.join("\n  "));
  });

  it("a block with no key material in it is a sample, not a finding", () => {
    expect(scanText("k", "-----BEGIN PRIVATE KEY-----\nanything\n-----END PRIVATE KEY-----\n")).toEqual([]);
  });

  it("without its END line, the header and the lines of key material after it are the finding", () => {
    const text = `${pem[0]}\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo\n4lgOEePzNm0tRgeLezV6ffAt0gunVTLw\nthat is all\n`;
    expect(scanText("k", text).map((f) => text.slice(f.start, f.end))).toEqual([`${pem[0]}\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo\n4lgOEePzNm0tRgeLezV6ffAt0gunVTLw`]);
  });

  it("whatever prefixes its lines: a YAML comment, a Markdown quote, a JSON string", () => {
    for (const prefix of ["# ", "> ", '"']) {
      const text = `notes:\n${pem.map((l) => `${prefix}${l}`).join("\n")}\nend\n`;
      const found = scanText("k", text);
      expect(found.map((f) => f.kind)).toEqual(["private_key"]);
      expect(text.slice(found[0]?.end)).toBe("\nend\n");
    }
  });
});

describe("secretlint's recommended preset", () => {
  const figma = `figd_${body}${body}`.slice(0, 45);

  it("adds the key formats our rules do not know, named secretlint/<rule>", async () => {
    const text = `# notes\ntoken for the design bot: ${figma}\n`;
    expect(scanText("f.md", text)).toEqual([]);
    const found = await scanFile("f.md", text, scannerFor());
    expect(found).toMatchObject([{ line: 2, column: 27, kind: "api_key", rule: "secretlint/figma", placeholder: "{{API_KEY}}" }]);
    expect(text.slice(found[0]?.start, found[0]?.end)).toBe(figma);
    expect(await scanFile("f.md", text, scannerFor(undefined, { secretlint: false }))).toEqual([]);
  });

  it("does not double a finding ours already has, and keeps our narrower span", async () => {
    const text = `url: ftp://deploy:Qm7xR2pL9vK4@files.acme.io/in\n${fake.anthropic}\n`;
    const found = await scanFile("f", text, scannerFor());
    expect(found.map((f) => [f.rule, text.slice(f.start, f.end)])).toEqual([
      ["password-in-url", "Qm7xR2pL9vK4"],
      ["anthropic-api-key", fake.anthropic],
    ]);
  });

  it("passes over documentation fillers, as our own rules do", async () => {
    expect(await scanFile("f", `token: ghp_${"x".repeat(36)}\nkey: glc_${"1".repeat(42)}=\n`, scannerFor())).toEqual([]);
  });

  it("honours nexaas:allow and placeholders on its findings too", async () => {
    expect(await scanFile("f", `token: ${figma} # nexaas:allow\n`, scannerFor())).toEqual([]);
  });
});

describe("identity detectors", () => {
  it("finds emails, webhook URLs, IPs and home paths", () => {
    expect(kinds("mail jane.doe@acme-corp.io now")).toEqual(["email/email"]);
    expect(values("write to jürgen.weiß@müller-öl.de now")).toEqual(["jürgen.weiß@müller-öl.de"]);
    expect(kinds("https://hooks.slack.com/services/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")).toEqual(["webhook_url/slack-webhook"]);
    expect(kinds("https://discord.com/api/webhooks/123456789012345678/AbCdEf-GhIjKl_MnOp")).toEqual(["webhook_url/discord-webhook"]);
    expect(kinds("https://acme.webhook.office.com/webhookb2/1a2b3c@4d5e/IncomingWebhook/9f8e7d")).toEqual(["webhook_url/teams-webhook"]);
    expect(kinds("https://hooks.zapier.com/hooks/catch/1234567/abcdefg/")).toEqual(["webhook_url/zapier-webhook"]);
    expect(kinds("url: https://ci.acme.io/api/hooks/Zk3mP9qR2sT5vW8x")).toEqual(["webhook_url/generic-webhook"]);
    expect(kinds("host 10.20.30.40 and 8.8.8.8")).toEqual(["ip_address/ipv4", "ip_address/ipv4"]);
    expect(values("log at /home/jdupont/projects/x and /Users/alice/Desktop")).toEqual(["/home/jdupont", "/Users/alice"]);
    expect(values("C:\\Users\\bob\\file.txt")).toEqual(["C:\\Users\\bob"]);
    expect(scanText("f", "ip 10.1.2.3")[0]?.placeholder).toBe("{{IP_ADDRESS}}");
  });

  const identity: Identity = { company_names: ["Acme Widgets"], domains: ["acme-widgets.com"], people: ["Jane Doe"] };

  it("finds identity terms in prose, URLs and emails, case-insensitively and word-bounded", () => {
    expect(kinds("Welcome to ACME widgets support", identity)).toEqual(["company_name/identity-company"]);
    expect(kinds("see https://docs.acme-widgets.com/start", identity)).toEqual(["domain/identity-domain"]);
    expect(kinds("repo acme-widgets-ops", identity)).toEqual(["company_name/identity-company"]);
    expect(kinds("ask jane doe or Jane.Doe", identity)).toEqual(["person/identity-person", "person/identity-person"]);
    // The email is the longest span: one finding, an email.
    expect(kinds("write to jane.doe@acme-widgets.com", identity)).toEqual(["email/email"]);
    // Reserved domains: the email rule is silent, the identity terms still speak.
    expect(kinds("jane.doe@acme-widgets.example", identity)).toEqual(["person/identity-person", "company_name/identity-company"]);
    expect(kinds("Acmewidgetsville and notacme-widgets.com.evil", identity)).toEqual([]);
    expect(scanText("f", "Acme Widgets", identity)[0]?.placeholder).toBe("{{COMPANY_NAME}}");
  });

  it("does not report nexaas.yaml's own identity block, but does report the rest of it", () => {
    const manifest = `name: acme\ndescription: Acme Widgets ops\nidentity:\n  company_names: ["Acme Widgets"]\n  # people\n  people:\n    - Jane Doe\nbudget: {daily_usd: 1}\n`;
    expect(scanText("nexaas.yaml", manifest, identity).map((f) => f.line)).toEqual([2]);
    expect(scanText("agents/nexaas.yaml", manifest, identity).map((f) => f.line)).toEqual([2, 4, 7]);
    // A credential pasted into the block is still reported.
    const pasted = manifest.replace("  # people\n", `  # old key ${fake.anthropic}\n`);
    expect(scanText("nexaas.yaml", pasted, identity).map((f) => `${f.line} ${f.kind}`)).toEqual(["2 company_name", "5 api_key"]);
  });
});

describe("not flagged", () => {
  it.each([
    ["an env reference", "api_key: ${ANTHROPIC_API_KEY}"],
    ["a placeholder", "key: {{API_KEY}} at {{DOMAIN}} by {{EMAIL}}"],
    ["a placeholder in a URL", "postgres://app:{{PASSWORD}}@db:5432/app"],
    ["a ${} password in a URL", "postgres://app:${DB_PASSWORD}@db:5432/app"],
    ["example.com emails", "mail ops@example.com, a@shop.example, b@test.invalid, c@localhost.localhost"],
    ["example webhook hosts", "https://example.com/hooks/Zk3mP9qR2sT5vW8x"],
    ["a UUID", "id: 123e4567-e89b-12d3-a456-426614174000 request: 123e4567-e89b-12d3-a456-426614174000"],
    ["a git SHA", "secret_sha: 3f786850e387550fdab836ed7e6dc881de23001b"],
    ["versions", "version 1.2.3.4, v10.0.0.1, node 20.11.1"],
    ["loopback and documentation IPs", "127.0.0.1 0.0.0.0 192.0.2.10 198.51.100.7 203.0.113.99"],
    ["invalid octets", "999.1.1.1"],
    ["generic home paths", "/home/user/x /Users/you/y ~/z"],
    ["a Slack sample URL", "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"],
    ["AWS's documentation key", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE"],
    ["filler keys", "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0 AIzaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    ["an allowed line", `key: "${fake.anthropic}" # nexaas:allow`],
  ])("%s", (_name, line) => {
    expect(scanText("f.md", line)).toEqual([]);
  });

  it("an identifier-shaped value is a secret where a secret-like key or a URL names it, and ${NAME:-default} hides nothing", () => {
    const hex40 = "7c4a8d09ca3762af" + "61e59520943dc26494f8941b";
    expect(kinds(`client_secret: ${hex40}`)).toEqual(["api_key/generic-api-key"]);
    expect(kinds(`HEROKU_API_KEY=3d9e1c4b-7f2a-4e8b-9c1d-5a6b7c8d9e0f`)).toEqual(["api_key/generic-api-key"]);
    expect(kinds(`curl https://admin:${hex40}@db.internal/`)).toEqual(["password_in_url/password-in-url"]);
    expect(kinds(`ANTHROPIC_API_KEY: \${ANTHROPIC_API_KEY:-${fake.anthropic}}`)).toEqual(["api_key/anthropic-api-key"]);
    expect(kinds(`commit_sha: ${hex40}`)).toEqual([]);
  });

  it("nexaas:allow only silences its own line", () => {
    const text = `a: ${fake.aws} # nexaas:allow\nb: ${fake.aws}\n`;
    expect(scanText("f", text).map((f) => f.line)).toEqual([2]);
  });
});

describe("maskValue", () => {
  it("shows at most a quarter, never more than 4 characters", () => {
    expect(maskValue(fake.anthropic)).toBe(`sk-a…(${fake.anthropic.length} chars)`);
    expect(maskValue("Acme")).toBe("A…(4 chars)");
    expect(maskValue("abc")).toBe("…(3 chars)");
  });
});

describe("upstream rules (contribute, validate --framework)", () => {
  const upstream = scannerFor(undefined, { upstream: true, secretlint: false });
  const found = async (line: string) => (await scanFile("f.md", line, upstream)).map((f) => `${f.rule}:${line.slice(f.start, f.end)}`);

  it("finds real domains and company-like names that no identity lists", async () => {
    expect(await found("see portal.globex.io or globex-corp.com/path")).toEqual(["real-domain:portal.globex.io", "real-domain:globex-corp.com"]);
    expect(await found("visit www.müller-öl.de today")).toEqual(["real-domain:www.müller-öl.de"]);
    expect(await found("Ask Initech Corp, Globex, Inc. or Müller Logistik GmbH")).toEqual([
      "company-like-name:Initech Corp",
      "company-like-name:Globex, Inc.",
      "company-like-name:Müller Logistik GmbH",
    ]);
  });

  it("leaves public vendors, reserved names, file names and placeholders alone", async () => {
    expect(await found("https://docs.anthropic.com, api.github.com, hooks.slack.com, shop.example.com, a.test")).toEqual([]);
    expect(await found("edit prompt.md, config.yaml, package.json and run.sh; see steps.fetch.output")).toEqual([]);
    expect(await found("{{COMPANY_NAME}} Inc. at {{DOMAIN}}; the corp decides")).toEqual([]);
    expect(await found("a legal form such as Inc, Corp, LLC or GmbH")).toEqual([]);
  });

  it("is off by default: a workspace names its own vendors", async () => {
    expect(await scanFile("f.md", "see portal.globex.io", scannerFor(undefined, { secretlint: false }))).toEqual([]);
  });
});
