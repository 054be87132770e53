// Lines whose key name gives no hint (issue 13): a provider token after `value:`, where a
// scanner cannot lean on "key", "secret", "token" or "password" in the name, only on the
// token's own shape. Two sources, both labelled secret:
// - corpus: every token the labelled corpus (../shared/bench/secrets) holds for the families
//   issue 13 names: secretlint's expected GitLab and SendGrid spans written as `value: <token>`;
//   gitleaks' Sidekiq samples as they are (the BUNDLE_…__CONTRIBSYS__COM name is the format,
//   not a hint); gitleaks' Kubernetes `kind: Secret` manifests with every data key that holds
//   a hint word renamed `value`.
// - format docs: seeded tokens of each family's documented shape (prefix, charset, length),
//   since gitleaks builds most of its samples at test time and the corpus keeps only literals.

/** A key name that says "secret" (the words our generic rule keys on). */
const hintWord = /key|secret|token|passw|pwd|credential|auth/i;

/** `value: <token>` lines for the corpus's tokens of issue 13's families. */
export function corpusNoHintLines(samples, fixtures) {
  const lines = [];
  for (const c of fixtures) {
    const pkg = c.id.split("/")[1];
    if (pkg !== "gitlab" && pkg !== "sendgrid") continue;
    for (const e of c.expected) lines.push({ family: pkg, text: `value: ${c.text.slice(e.start, e.end)}` });
  }
  for (const s of samples) {
    if (s.label !== "secret") continue;
    if (s.source_rule === "sidekiq-secret" || s.source_rule === "sidekiq-sensitive-url") lines.push({ family: "sidekiq", text: s.text });
    if (s.source_rule === "kubernetes-secret-yaml") {
      const text = s.text.replace(/^([ \t]*)(["']?)([\w.-]+)\2([ \t]*:)/gm, (m, indent, _q, key, colon) => (hintWord.test(key) ? `${indent}value${colon}` : m));
      lines.push({ family: "kubernetes-secret", text, path: s.path });
    }
  }
  return lines;
}

/** Seeded tokens of each family's documented shape, `perFamily` of each, as `value: <token>` lines. */
export function syntheticNoHintLines(rand, perFamily = 4) {
  const pick = (alphabet, n) => Array.from({ length: n }, () => alphabet[Math.floor(rand() * alphabet.length)]).join("");
  const upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  const digits = "0123456789";
  const alnum = upper + upper.toLowerCase() + digits;
  const b64url = alnum + "-_";
  const hex = "0123456789abcdef";
  const base32 = upper + "234567";
  const bech32 = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L";
  const formats = {
    "gitlab glpat": () => `glpat-${pick(b64url, 20)}`,
    "gitlab glpat routable": () => `glpat-${pick(b64url, 27 + Math.floor(rand() * 20))}.01${pick("0123456789abcdefghijklmnopqrstuvwxyz", 7)}`,
    "gitlab gldt": () => `gldt-${pick(b64url, 20)}`,
    "gitlab glrt": () => `glrt-${pick(b64url, 20)}`,
    "gitlab glrt routable": () => `glrt-t1_${pick(b64url, 27)}.01${pick("0123456789abcdefghijklmnopqrstuvwxyz", 7)}`,
    "gitlab glptt": () => `glptt-${pick(hex, 40)}`,
    "gitlab glsoat": () => `glsoat-${pick(b64url, 20)}`,
    "gitlab gloas": () => `gloas-${pick(b64url, 64)}`,
    "gitlab glcbt": () => `glcbt-${pick(alnum, 2)}_${pick(b64url, 20)}`,
    "gitlab glimt": () => `glimt-${pick(b64url, 25)}`,
    "gitlab glffct": () => `glffct-${pick(b64url, 20)}`,
    "gitlab glagent": () => `glagent-${pick(b64url, 50)}`,
    "gitlab glwt": () => `glwt-${pick(b64url, 20)}`,
    "gitlab glft": () => `glft-${pick(b64url, 20)}`,
    "gitlab GR1348941": () => `GR1348941${pick(b64url, 20)}`,
    sendgrid: () => `SG.${pick(b64url, 22)}.${pick(b64url, 43)}`,
    pypi: () => `pypi-AgEIcHlwaS5vcmc${pick(b64url, 70 + Math.floor(rand() * 100))}`,
    "digitalocean dop_v1": () => `dop_v1_${pick(hex, 64)}`,
    "digitalocean doo_v1": () => `doo_v1_${pick(hex, 64)}`,
    "digitalocean dor_v1": () => `dor_v1_${pick(hex, 64)}`,
    postman: () => `PMAK-${pick(hex, 24)}-${pick(hex, 34)}`,
    "new relic NRAK": () => `NRAK-${pick(upper + digits, 27)}`,
    "new relic NRII": () => `NRII-${pick(alnum + "-", 32)}`,
    "new relic NRJS": () => `NRJS-${pick(hex, 19)}`,
    mailgun: () => `key-${pick(hex, 32)}`,
    pulumi: () => `pul-${pick(hex, 40)}`,
    rubygems: () => `rubygems_${pick(hex, 48)}`,
    perplexity: () => `pplx-${pick(alnum, 48)}`,
    "planetscale pscale_tkn": () => `pscale_tkn_${pick(b64url, 43)}`,
    "planetscale pscale_pw": () => `pscale_pw_${pick(b64url, 43)}`,
    "planetscale pscale_oauth": () => `pscale_oauth_${pick(b64url, 43)}`,
    age: () => `AGE-SECRET-KEY-1${pick(bech32, 58)}`,
    "aws ABIA": () => `ABIA${pick(base32, 16)}`,
    "aws ACCA": () => `ACCA${pick(base32, 16)}`,
  };
  const lines = [];
  for (const [family, make] of Object.entries(formats)) {
    for (let i = 0; i < perFamily; i++) lines.push({ family, text: `value: ${make()}` });
  }
  for (let i = 0; i < perFamily; i++) {
    const name = i % 2 === 0 ? "BUNDLE_ENTERPRISE__CONTRIBSYS__COM" : "BUNDLE_GEMS__CONTRIBSYS__COM";
    lines.push({ family: "sidekiq", text: `${i % 2 === 0 ? "export " : ""}${name}${i % 2 === 0 ? "=" : ": "}${pick(hex, 8)}:${pick(hex, 8)}` });
    const data = Buffer.from(pick(alnum, 12 + Math.floor(rand() * 20))).toString("base64");
    lines.push({ family: "kubernetes-secret", text: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-${i}\ntype: Opaque\ndata:\n  value: ${data}\n`, path: "secret.yaml" });
  }
  return lines;
}
