import { scanText } from "../../../controller/contribute/scan-text.js";
import { secretKinds, type FindingKind } from "../../../controller/contribute/finding.js";
import { isRecord } from "../../../controller/definitions/is-record.js";
import { envName } from "../name-slug.js";

/** One literal secret moved out of an entry: where it was, and the variable that now stands for it. */
export interface LiftedSecret {
  /** `env.GITHUB_TOKEN`, `headers.Authorization`, `url query token`, `url password`, `args[3]`. */
  field: string;
  variable: string;
}

/**
 * Hands out variable names for one import: the same secret value gets the same
 * name wherever it appears; another value wanting a taken name gets `_2`, `_3`.
 */
export class VariableNames {
  private readonly byValue = new Map<string, string>();
  private readonly taken = new Set<string>();

  nameFor(base: string, value: string): string {
    const known = this.byValue.get(value);
    if (known !== undefined) return known;
    let name = base;
    for (let n = 2; this.taken.has(name); n++) name = `${base}_${n}`;
    this.taken.add(name);
    this.byValue.set(value, name);
    return name;
  }
}

/** Words of a key that name a credential (`GITHUB_TOKEN`, `x-api-key`, `clientSecret`, `Authorization`). */
const secretWords = new Set(["token", "secret", "password", "passwd", "pwd", "key", "apikey", "credential", "credentials", "authorization", "auth", "pat", "bearer", "cookie"]);
/** Words that say the value is about a credential, not the credential (`TOKEN_URL`, `KEY_FILE`, `AUTH_TYPE`). */
const aboutWords = new Set(["path", "file", "dir", "url", "uri", "endpoint", "host", "name", "id", "type", "mode", "header", "format", "ttl", "expiry", "expires", "length", "scope", "scopes"]);

/** What variable name a finding kind gets when nothing names the value (a bare argument). */
const kindNames: Partial<Record<FindingKind, string>> = { api_key: "API_KEY", password_in_url: "PASSWORD", password: "PASSWORD", connection_string: "PASSWORD", bearer_token: "TOKEN", jwt: "TOKEN", private_key: "PRIVATE_KEY" };

/**
 * `entry` of server `name` (`root`: its slug before a -2 was added) with the literal secrets of its env values, header values, URL
 * (query parameters and password) and arguments replaced by `${NAME}`. A value
 * is a secret when the scanner (controller/contribute) finds one in it, or when
 * its key names a credential. The values themselves go nowhere: only names and
 * places are returned.
 */
export function liftSecrets(server: { name: string; root: string }, entry: Record<string, unknown>, names: VariableNames): { entry: Record<string, unknown>; lifted: LiftedSecret[] } {
  const lifted: LiftedSecret[] = [];
  const out: Record<string, unknown> = { ...entry };
  const root = envName(server.root);
  const lift = (field: string, key: string, value: string): string =>
    replaceSpans(value, secretSpans(key, value), (span) => {
      // What an Authorization header keeps after its scheme is a token.
      const own = envName(/^authorization$/i.test(key) ? "TOKEN" : key || kindNames[span.kind ?? "api_key"] || "SECRET");
      // GITHUB_TOKEN of server github (or github-2) stays GITHUB_TOKEN, not GITHUB_GITHUB_TOKEN.
      const variable = names.nameFor(own === root || own.startsWith(`${root}_`) ? own : `${envName(server.name)}_${own}`, span.text);
      lifted.push({ field, variable });
      return `\${${variable}}`;
    });

  for (const field of ["env", "headers"] as const) {
    const map = entry[field];
    if (!isRecord(map)) continue;
    out[field] = Object.fromEntries(Object.entries(map).map(([key, value]) => [key, typeof value === "string" ? lift(`${field}.${key}`, key, value) : value]));
  }
  if (typeof entry.url === "string") out.url = liftUrl(entry.url, (field, key, value) => lift(field, key, value));
  if (Array.isArray(entry.args)) out.args = liftArgs(entry.args, lift);
  return { entry: out, lifted };
}

interface Span {
  start: number;
  end: number;
  text: string;
  kind?: FindingKind;
}

/** Where the secrets of `value` are when it is written under `key`. */
function secretSpans(key: string, value: string): Span[] {
  if (value === "" || value.includes("${")) return [];
  const prefix = `"${key}": "`;
  const found = scanText("import", `${prefix}${value}"`)
    .filter((f) => secretKinds.has(f.kind))
    .map((f) => ({ start: f.start - prefix.length, end: f.end - prefix.length, kind: f.kind }))
    .filter((s) => s.start >= 0 && s.end <= value.length && s.end > s.start);
  if (found.length > 0) return merge(found).map((s) => ({ ...s, text: value.slice(s.start, s.end) }));
  if (!namesSecret(key) || /^(true|false|yes|no|on|off)$/i.test(value) || /^(\/|\.{1,2}\/|~\/)/.test(value)) return [];
  // An Authorization header keeps its scheme: "Bearer ${NAME}".
  const scheme = /^(Bearer|Basic|Token|Bot)\s+/i.exec(value);
  const start = scheme ? scheme[0].length : 0;
  return start < value.length ? [{ start, end: value.length, text: value.slice(start) }] : [];
}

export function namesSecret(key: string): boolean {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return words.some((w) => secretWords.has(w)) && !words.some((w) => aboutWords.has(w));
}

/** Overlapping findings (two detectors on one token) as one span each. */
function merge(spans: Omit<Span, "text">[]): Omit<Span, "text">[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const out: Omit<Span, "text">[] = [];
  for (const s of sorted) {
    const last = out.at(-1);
    if (last && s.start < last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

function replaceSpans(value: string, spans: Span[], by: (span: Span) => string): string {
  let out = "";
  let at = 0;
  for (const s of spans) {
    out += value.slice(at, s.start) + by(s);
    at = s.end;
  }
  return out + value.slice(at);
}

type Lift = (field: string, key: string, value: string) => string;

/** A URL's query parameters judged one by one under their own names, and the password of its user info. */
function liftUrl(url: string, lift: Lift): string {
  const [beforeHash = "", ...hash] = url.split("#");
  const [base = "", ...query] = beforeHash.split("?");
  const authority = /^([a-z][a-z0-9+.-]*:\/\/)([^/@?#]*)@/i.exec(base);
  let head = base;
  if (authority) {
    const [user, ...password] = (authority[2] ?? "").split(":");
    if (password.length > 0 && password.join(":") !== "") {
      head = `${authority[1]}${user}:${lift("url password", "password", password.join(":"))}@${base.slice(authority[0].length)}`;
    }
  }
  const params = query.join("?");
  const lifted = params === "" ? "" : "?" + params.split("&").map((pair) => {
    const eq = pair.indexOf("=");
    if (eq < 0) return pair;
    const key = pair.slice(0, eq);
    const value = safeDecode(pair.slice(eq + 1));
    const replaced = lift(`url query ${key}`, key, value);
    return replaced === value ? pair : `${key}=${replaced}`;
  }).join("&");
  return head + (query.length > 0 && params === "" ? "?" : "") + lifted + (hash.length > 0 ? `#${hash.join("#")}` : "");
}

const safeDecode = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/**
 * Arguments: `--token=VALUE` is judged under `token`, `--token VALUE` too (the
 * value is the next argument), a URL argument like a `url`, and any other
 * argument by the scanner alone.
 */
function liftArgs(args: unknown[], lift: Lift): unknown[] {
  return args.map((arg, i) => {
    if (typeof arg !== "string") return arg;
    const field = `args[${i}]`;
    const flag = /^(--?[A-Za-z0-9][A-Za-z0-9_.-]*)=(.*)$/s.exec(arg);
    if (flag) return `${flag[1]}=${lift(field, flagName(flag[1] ?? ""), flag[2] ?? "")}`;
    if (/^https?:\/\//i.test(arg)) return liftUrl(arg, (_f, key, value) => lift(field, key, value));
    const previous = args[i - 1];
    const key = typeof previous === "string" && /^--?[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(previous) ? flagName(previous) : "";
    return lift(field, key, arg);
  });
}

const flagName = (flag: string): string => flag.replace(/^-+/, "");
