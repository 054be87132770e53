import { slugifyName } from "./name-slug.js";

/**
 * Where a schema lives for editors: its `$id` (schemas/*.json), the same on every machine.
 * A file path would be this machine's install (a home folder, a Node version manager's
 * prefix), committed into a repository that others clone.
 */
export const schemaUrl = (file: string): string => `https://nexaas.dev/schemas/${file}`;

/** The `yaml-language-server` modeline that gives editors completion from the published schemas. */
export const schemaModeline = (kind: string): string => `# yaml-language-server: $schema=${schemaUrl(`${kind}.schema.json`)}`;

/** A workspace name from a folder name: lower-case, hyphen-separated, at most 64 characters. */
export const workspaceName = (folder: string): string => slugifyName(folder, "workspace");

/** The files of a fresh workspace: relative path -> content. Small, valid, and commented. */
export function freshWorkspaceFiles(name: string): Record<string, string> {
  return {
    "nexaas.yaml": `${schemaModeline("nexaas")}
# The workspace manifest. What is committed here is what the controller runs.
name: ${name}
timezone: UTC                  # default time zone of cron conditions

defaults:
  model: claude-sonnet-4-5     # model of agents that name none
  max_tokens: 4096
  agent: assistant             # agent of claude_chat and skill actions that name none

# Framework MCP servers to enable by name, e.g. [filesystem].
mcp_servers: []

# What \`nexaas scan\` and \`nexaas contribute\` must never let out of this repository.
identity:
  company_names: []
  domains: []
  people: []

budget:
  daily_usd: 5                 # claude actions stop for the day once spend reaches this
`,
    "agents/assistant/config.yaml": `${schemaModeline("agent")}
# An agent: its system prompt is prompt.md beside this file.
name: assistant
description: General assistant of this workspace; the default agent of its events.
role: Answers questions and writes short summaries for the team.
`,
    "agents/assistant/prompt.md": `You are the assistant of the ${name} team.

Answer in short, plain sentences. When you are not sure, say so instead of guessing.
`,
    "events/example.yaml": `${schemaModeline("event")}
# An example event, disabled: set enabled to true (or delete this file) and commit.
# One event per file; its id is the file name. See the README for every field.
description: Weekday morning greeting
enabled: false
agent: assistant
condition:
  type: cron
  expr: "0 9 * * 1-5"          # 09:00 on weekdays, in the workspace time zone
action:
  type: claude_chat
  prompt: Say good morning and list three things you can help with.
policy:
  retries: 1
  timeout: 2m
`,
  };
}

/** Lines the workspace's .gitignore must have: secrets and runtime state stay out of git. */
export const gitignoreLines = [".env", "data/", "exports/"];
