/**
 * `${NAME}` or `${NAME:-default}`: an environment variable read at run time, as
 * the SPEC writes secrets, with the shell's fallback for a variable that is
 * unset or empty (as Claude Code reads .mcp.json). Group 1 is the name, group 2
 * the default.
 */
export const envReference = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * The first `${...}` of `text` that is neither `${NAME}` nor `${NAME:-default}`
 * (`${input:token}`, `${NAME-x}`, an unclosed `${NAME`): run time would leave it
 * as literal text, so validate reports it.
 */
export function badReference(text: string): string | undefined {
  for (const match of text.matchAll(/\$\{[^}]*\}?/g)) {
    if (!/^\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}$/.test(match[0])) return match[0];
  }
  return undefined;
}
