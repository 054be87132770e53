/** Longest name (SPEC §2): names also work as Claude Code agent and Agent Skills names. */
const maxNameLength = 64;

/**
 * Any name (a folder's, a .mcp.json server's) as a Nexaas name
 * (`^[a-z0-9]+(-[a-z0-9]+)*$`): accents dropped, lower case, every run of other
 * characters (spaces, underscores, dots) one hyphen, at most 64 characters;
 * `fallback` when nothing is left.
 */
export function slugifyName(name: string, fallback = "server"): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return cut(slug || fallback, maxNameLength);
}

/** `name`, or `name-2`, `name-3`… : the first one not in `taken` (still at most 64 characters). */
export function uniqueName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = cut(name, maxNameLength - suffix.length) + suffix;
    if (!taken.has(candidate)) return candidate;
  }
}

const cut = (slug: string, length: number): string => slug.slice(0, length).replace(/-+$/, "");

/** A name as an environment variable's: upper snake case, never starting with a digit. */
export function envName(...parts: string[]): string {
  const words = parts
    .join("_")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  return /^[A-Z_]/.test(words) ? words : `MCP_${words}`;
}
