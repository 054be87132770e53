/** The variables a .env.example lists (`NAME=...`, `export NAME=...`), commented-out lines aside. */
export function listedVariables(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line);
    if (match?.[1]) names.add(match[1]);
  }
  return names;
}

/** `text` with one empty `NAME=` line per variable appended under a comment saying where they came from. */
export function withVariables(text: string, names: readonly string[], from: string): string {
  if (names.length === 0) return text;
  const head = text === "" || text.endsWith("\n") ? text : `${text}\n`;
  const gap = head === "" ? "" : "\n";
  return `${head}${gap}# MCP servers imported from ${from}\n${names.map((n) => `${n}=\n`).join("")}`;
}
