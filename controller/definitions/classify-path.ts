/** What a path in a workspace (or in framework/) holds, judged by its place in the layout (SPEC §2). */
export type FileRole =
  | { role: "manifest" }
  | { role: "agent-config"; name: string }
  | { role: "agent-prompt"; name: string }
  /** agents/<name>.md: a Claude Code subagent file (front matter, then the prompt). */
  | { role: "agent-markdown"; name: string }
  | { role: "skill-markdown"; name: string }
  | { role: "skill-folder"; name: string }
  /** Any other file under skills/<name>/ (references, templates, scripts): readable by agents through a built-in tool. */
  | { role: "skill-file"; name: string; path: string }
  | { role: "event"; name: string }
  | { role: "flow"; name: string }
  | { role: "mcp-server"; name: string }
  | { role: "registry"; name: string }
  | { role: "followups" }
  | { role: "checks" }
  | { role: "stray"; hint: string };

const yamlExt = /\.ya?ml$/;
const notes = /^(readme(\.md)?|\.gitkeep|\.keep)$/i;

/** Returns the role of a definition file, or undefined for files Nexaas does not read (scripts, docs). */
export function classifyPath(path: string): FileRole | undefined {
  const parts = path.split("/");
  const [top, second, third] = parts;
  if (parts.length === 1) return path === "nexaas.yaml" ? { role: "manifest" } : undefined;
  if (second === undefined) return undefined;
  switch (top) {
    case "agents":
      if (parts.length === 3 && third === "config.yaml") return { role: "agent-config", name: second };
      if (parts.length === 3 && third === "prompt.md") return { role: "agent-prompt", name: second };
      if (parts.length === 2 && second.endsWith(".md") && !notes.test(second)) return { role: "agent-markdown", name: second.slice(0, -3) };
      return undefined;
    case "skills":
      if (parts.length === 2) {
        if (second.endsWith(".md") && !notes.test(second)) return { role: "skill-markdown", name: second.slice(0, -3) };
        return notes.test(second) ? undefined : { role: "stray", hint: "a skill is skills/<name>.md or skills/<name>/SKILL.md" };
      }
      if (parts.length === 3 && third === "SKILL.md") return { role: "skill-folder", name: second };
      return parts.length >= 3 && !second.endsWith(".md") ? { role: "skill-file", name: second, path: parts.slice(2).join("/") } : undefined;
    case "events":
    case "flows":
    case "registries":
      if (parts.length !== 2 || notes.test(second)) return undefined;
      if (yamlExt.test(second)) return { role: top === "events" ? "event" : top === "flows" ? "flow" : "registry", name: stem(second) };
      return { role: "stray", hint: `files in ${top}/ are <name>.yaml` };
    case "mcp-servers":
      if (parts.length !== 2 || notes.test(second)) return undefined;
      if (yamlExt.test(second) || second.endsWith(".json")) return { role: "mcp-server", name: stem(second) };
      return { role: "stray", hint: "files in mcp-servers/ are <name>.yaml or <name>.json" };
    case "memory":
      if (parts.length !== 2) return undefined;
      if (second === "followups.yaml") return { role: "followups" };
      if (second === "checks.yaml") return { role: "checks" };
      return undefined;
    case ".claude":
      return claudeCodePlace(parts);
    default:
      return undefined;
  }
}

/** Claude Code's project folders: its subagents and skills are read from the workspace's own folders instead. */
function claudeCodePlace(parts: readonly string[]): FileRole | undefined {
  const [, folder, second, third] = parts;
  if (folder === "agents" && parts.length === 3 && second?.endsWith(".md")) {
    return { role: "stray", hint: `Nexaas reads Claude Code subagent files from agents/<name>.md: move this file to agents/${second}` };
  }
  if (folder === "skills" && parts.length === 4 && third === "SKILL.md") {
    return { role: "stray", hint: `Nexaas reads skills from skills/<name>/SKILL.md: move this folder to skills/${second ?? ""}/` };
  }
  return undefined;
}

function stem(file: string): string {
  return file.replace(/\.(ya?ml|json)$/, "");
}
