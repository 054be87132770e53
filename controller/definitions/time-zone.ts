const known = new Map<string, boolean>();
let listed: Set<string> | undefined;

/**
 * Whether `name` is a time zone this Node knows (IANA names and aliases such as
 * UTC). Cached: a large workspace asks about the same few zones thousands of times.
 *
 * The first Intl.DateTimeFormat of a process loads ICU's date-formatting data
 * (~20 ms, a sixth of a pre-commit hook), while the list of canonical zones costs
 * ~3 ms. So a listed zone is accepted from the list, and only what it leaves out
 * (aliases such as Asia/Calcutta or Etc/UTC, other spellings) asks a formatter:
 * the answers are the formatter's either way.
 */
export function isTimeZone(name: string): boolean {
  let ok = known.get(name);
  if (ok === undefined) {
    listed ??= new Set(Intl.supportedValuesOf("timeZone"));
    ok = name === "UTC" || listed.has(name) || formatterAccepts(name);
    known.set(name, ok);
  }
  return ok;
}

function formatterAccepts(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
