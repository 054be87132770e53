import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** A file tree written inline: path -> content. Content is trimmed of the template's leading newline. */
export type Tree = Record<string, string | Buffer>;

export function writeTree(root: string, tree: Tree): void {
  for (const [path, content] of Object.entries(tree)) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, typeof content === "string" ? dedent(content) : content);
  }
}

/** Removes the common indentation of a template literal, so YAML can be written indented in tests. */
export function dedent(text: string): string {
  const lines = text.replace(/^\n/, "").split("\n");
  const indents = lines.filter((l) => l.trim() !== "").map((l) => /^ */.exec(l)?.[0].length ?? 0);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join("\n");
}

/** The smallest valid workspace: a manifest with a default agent, and that agent. */
export const baseWorkspace: Tree = {
  "nexaas.yaml": `
    name: test-ops
    timezone: Europe/Paris
    defaults:
      agent: helper
  `,
  "agents/helper/config.yaml": `
    description: Helps.
  `,
  "agents/helper/prompt.md": "You help.\n",
};
