// What names a store, apart from what opens one: the CLI parses every command's
// flags with these, so this file imports nothing (no driver at start-up).

/** Whether DATABASE_URL (or --db) names a PostgreSQL server rather than a SQLite file. */
export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}

/** Whether `target` is a URL of any kind (scheme://…), not a file's path. */
export function isUrl(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(target);
}

/**
 * The URL with its password hidden (`user:***@`, and libpq's `?password=***`),
 * for messages and logs. A text URL cannot parse is hidden by pattern.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    for (const key of [...parsed.searchParams.keys()]) if (key.toLowerCase() === "password") parsed.searchParams.set(key, "***");
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^/@\s]*)@/, (_m, user: string) => `//${user.split(":")[0] ?? ""}:***@`).replace(/([?&]password=)[^&\s]*/gi, "$1***");
  }
}
