const known = new Map<string, boolean>();

/**
 * Whether `name` is a time zone this Node knows (IANA names and aliases such as
 * UTC). Cached: building an Intl.DateTimeFormat costs tens of microseconds, and
 * a large workspace asks about the same few zones thousands of times.
 */
export function isTimeZone(name: string): boolean {
  let ok = known.get(name);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat("en", { timeZone: name });
      ok = true;
    } catch {
      ok = false;
    }
    known.set(name, ok);
  }
  return ok;
}
