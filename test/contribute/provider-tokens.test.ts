import { describe, expect, it } from "vitest";
import { scanText } from "../../controller/contribute/scan-text.js";

// Issue 13's provider families. Every token is assembled here at run time from a seeded
// generator in the documented shape (prefix, charset, length): this file holds no literal key.
let seed = 0x1337;
const rand = (): number => {
  seed = (seed * 1103515245 + 12345) >>> 0;
  return (seed >>> 8) / 0x1000000;
};
const pick = (alphabet: string, n: number): string => Array.from({ length: n }, () => alphabet[Math.floor(rand() * alphabet.length)]).join("");
const upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const alnum = `${upper}${upper.toLowerCase()}0123456789`;
const b64url = `${alnum}-_`;
const hex = "0123456789abcdef";
const base36 = "0123456789abcdefghijklmnopqrstuvwxyz";
const gl = (prefix: string) => `gl${prefix}-`;

/** Family, rule and a few tokens of it. */
const families: [family: string, rule: string, tokens: string[]][] = [
  [
    "GitLab",
    "gitlab-token",
    [
      `${gl("pat")}${pick(b64url, 20)}`,
      `${gl("pat")}${pick(b64url, 36)}.01${pick(base36, 7)}`, // routable
      `${gl("dt")}${pick(b64url, 20)}`,
      `${gl("rt")}${pick(b64url, 20)}`,
      `${gl("rt")}t1_${pick(b64url, 27)}.01${pick(base36, 7)}`,
      `${gl("ptt")}${pick(hex, 40)}`,
      `${gl("soat")}${pick(b64url, 20)}`,
      `${gl("oas")}${pick(b64url, 64)}`,
      `${gl("cbt")}${pick(alnum, 2)}_${pick(b64url, 20)}`,
      `${gl("imt")}${pick(b64url, 25)}`,
      `${gl("ffct")}${pick(b64url, 20)}`,
      `${gl("agent")}${pick(b64url, 50)}`,
      `${gl("wt")}${pick(b64url, 20)}`,
      `${gl("ft")}${pick(b64url, 20)}`,
      `GR${"1348941"}${pick(b64url, 20)}`,
    ],
  ],
  ["SendGrid", "sendgrid-api-key", [`S${"G"}.${pick(b64url, 22)}.${pick(b64url, 43)}`]],
  ["PyPI", "pypi-token", [`py${"pi"}-AgEIcHlwaS5vcmc${pick(b64url, 120)}`, `py${"pi"}-AgENdGVzdC5weXBpLm9yZw${pick(b64url, 80)}`]],
  ["DigitalOcean", "digitalocean-token", ["dop", "doo", "dor"].map((p) => `${p}_v1_${pick(hex, 64)}`)],
  ["Postman", "postman-api-key", [`PM${"AK"}-${pick(hex, 24)}-${pick(hex, 34)}`]],
  ["New Relic", "new-relic-key", [`NR${"AK"}-${pick(upper + "0123456789", 27)}`, `NR${"II"}-${pick(alnum + "-", 32)}`, `NR${"JS"}-${pick(hex, 19)}`]],
  ["Mailgun", "mailgun-api-key", [`ke${"y"}-${pick(hex, 32)}`]],
  ["Pulumi", "pulumi-token", [`pu${"l"}-${pick(hex, 40)}`]],
  ["RubyGems", "rubygems-api-key", [`ruby${"gems"}_${pick(hex, 48)}`]],
  ["Perplexity", "perplexity-api-key", [`pp${"lx"}-${pick(alnum, 48)}`]],
  ["PlanetScale", "planetscale-token", ["tkn", "pw", "oauth"].map((p) => `psc${"ale"}_${p}_${pick(b64url, 43)}`)],
  ["AWS", "aws-access-key-id", ["ABIA", "ACCA", "AKIA", "ASIA"].map((p) => `${p}${pick(`${upper}234567`, 16)}`)],
];

describe("provider tokens where the key name gives no hint (value: <token>)", () => {
  it.each(families)("%s: each token is found, spanning exactly the token", (_family, rule, tokens) => {
    for (const token of tokens) {
      const line = `value: ${token}`;
      const found = scanText("notes.yaml", line);
      expect(found.map((f) => [f.rule, f.kind, line.slice(f.start, f.end), f.placeholder]), token).toEqual([[rule, "api_key", token, "{{API_KEY}}"]]);
    }
  });

  it("age: a secret key is a private key", () => {
    const key = `AGE-SECRET-${"KEY"}-1${pick("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58)}`;
    const found = scanText("keys.txt", `# created: today\n${key}\n`);
    expect(found.map((f) => [f.rule, f.kind, f.placeholder])).toEqual([["age-secret-key", "private_key", "{{PRIVATE_KEY}}"]]);
  });

  it("Sidekiq: the user:password of Bundler's contribsys variables, in .env, YAML and shell forms", () => {
    for (const name of ["BUNDLE_ENTERPRISE__CONTRIBSYS__COM", "BUNDLE_GEMS__CONTRIBSYS__COM"]) {
      const credentials = `${pick(hex, 8)}:${pick(hex, 8)}`;
      for (const line of [`${name}: ${credentials}`, `export ${name}="${credentials}"`, `${name} = '${credentials}' && bundle`]) {
        const found = scanText(".env", line);
        expect(found.map((f) => [f.rule, f.kind, line.slice(f.start, f.end), f.placeholder]), line).toEqual([["sidekiq-credentials", "password", credentials, "{{PASSWORD}}"]]);
      }
    }
    expect(scanText(".env", `BUNDLE_GEMS__CONTRIBSYS__COM: \${SIDEKIQ_CREDENTIALS}`)).toEqual([]);
  });

  it("refuses stand-ins and look-alikes: fillers, repeats, a DNA run, file names, public keys", () => {
    const near = [
      `value: ${gl("pat")}${"X".repeat(11)}-${"X".repeat(8)}`,
      `value: ${gl("ptt")}${"x".repeat(40)}`,
      `value: GR${"1348941"}${"123".repeat(6)}12`, // same three digits over and over
      `value: ${gl("pat")}abc`, // too short
      `PERPLEXITY: pp${"lx"}-${"x".repeat(48)}`,
      `<img src="./assets/vi${"pul"}-${pick(hex, 40)}${pick(hex, 24)}.png">`, // "pul-" inside a word
      `mailgun public: pub${"key"}-${pick(hex, 32)}`,
      `sequence: AC${"CA"}GTTACGTAGGCATTAC`, // four letters only
      `value: ABIA${"X".repeat(16)}`,
      `value: do${"p"}_v1_${pick(hex, 63)}`, // one short
      `value: PM${"AK"}-${pick(hex, 24)}`, // half a key
    ];
    for (const line of near) expect(scanText("f.md", line), line).toEqual([]);
  });
});

describe("Kubernetes Secret manifests: values under data: are base64 secrets, whatever their keys", () => {
  const b64 = (n: number) => Buffer.from(pick(alnum, n)).toString("base64");
  const spans = (text: string, path = "secret.yaml") => scanText(path, text).map((f) => [f.rule, text.slice(f.start, f.end)]);

  it("finds each value under data:, with kind before or after it, quoted or not", () => {
    const [a, b, c] = [b64(16), b64(24), b64(12)];
    const kindFirst = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\ndata:\n  value: ${a}\n  other: "${b}"\n  .dockercfg: '${c}'\n`;
    expect(spans(kindFirst)).toEqual([["kubernetes-secret-data", a], ["kubernetes-secret-data", b], ["kubernetes-secret-data", c]]);
    const kindLast = `apiVersion: v1\ndata:\n\tvalue: ${a}\nkind: "Secret"\nmetadata:\n\tname: app\n`;
    expect(spans(kindLast)).toEqual([["kubernetes-secret-data", a]]);
  });

  it("finds the lines of a block scalar, skips comments, and stops at the end of data:", () => {
    const [a, b] = [b64(30), b64(30)];
    const text = `kind: Secret\ndata:\n  # base64 of the registry auth\n  config.json: |\n    ${a}\n    ${b}\nmetadata:\n  name: ${b64(12)}\n`;
    expect(spans(text)).toEqual([["kubernetes-secret-data", a], ["kubernetes-secret-data", b]]);
  });

  it("takes only the Secret document of a multi-document file", () => {
    const a = b64(18);
    const text = `kind: ConfigMap\ndata:\n  value: ${b64(18)}\n---\nkind: Secret\ndata:\n  value: ${a}\n---\nkind: ConfigMap\ndata:\n  other: ${b64(18)}\n`;
    expect(spans(text)).toEqual([["kubernetes-secret-data", a]]);
  });

  it("passes over other kinds, templates, references and values too short to hold a secret", () => {
    const val = b64(18);
    for (const text of [
      `kind: ExternalSecret\ndata:\n  value: ${val}\n`,
      `kind: SopsSecret\ndata:\n  value: ${val}\n`,
      `kind: Secret\nstringData:\n  name: plain\n`,
      `kind: Secret\ndata:\n  value: {{ .Values.Value }}\n`,
      `kind: Secret\ndata:\n  value: \${VALUE}\n`,
      `kind: Secret\ndata:\n  value: ${Buffer.from("bar\n").toString("base64")}\n  user: ${Buffer.from("admin").toString("base64")}\n`,
      `kind: Secret\ndata:\n  value: ""\n`,
      `spec:\n  kind: Secret\ndata:\n  value: ${val}\n`, // a nested kind is not the document's
    ]) {
      expect(spans(text), text).toEqual([]);
    }
  });
});
