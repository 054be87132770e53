import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dedent } from "../support/tree.js";
import { type Case, expectCase, validate } from "./validate-helpers.js";

const cronEvent = (expr: string, extra = "") =>
  dedent(`
  condition:
    type: cron
    expr: "${expr}"${extra}
  action:
    type: claude_chat
    prompt: hello
`);

const cases: Case[] = [
  { name: "YAML syntax", tree: { "events/a.yaml": "condition:\n  type: cron\n  expr: [unclosed\naction: {}\n" }, want: { rule: "yaml-syntax", file: "events/a.yaml", line: 4 } },
  { name: "duplicate key is a syntax error", tree: { "events/a.yaml": cronEvent("0 9 * * *") + "action: {}\n" }, want: { rule: "yaml-syntax", file: "events/a.yaml", line: 7, message: /unique/ } },
  {
    name: "schema: wrong type, mapped to the YAML node",
    tree: { "events/a.yaml": "condition:\n  type: interval\n  expr: 15m\nenabled: sometimes\naction:\n  type: script\n  command: ls\n" },
    want: { rule: "schema", file: "events/a.yaml", line: 4, message: /enabled: must be boolean/ },
  },
  {
    name: "schema: missing required field points at the parent",
    tree: { "events/a.yaml": "condition:\n  type: interval\n  expr: 15m\naction:\n  type: webhook\n  method: POST\n" },
    want: { rule: "schema", file: "events/a.yaml", line: 5, message: /missing required field "url"/ },
  },
  {
    name: "schema: unknown condition type",
    tree: { "events/a.yaml": "condition:\n  type: hourly\naction:\n  type: script\n  command: ls\n" },
    want: { rule: "schema", file: "events/a.yaml", line: 2, message: /cron, interval, once, webhook/ },
  },
  {
    name: "schema: agents have no temperature",
    tree: { "agents/helper/config.yaml": "description: Helps.\ntemperature: 0.3\n" },
    want: { rule: "schema", file: "agents/helper/config.yaml", line: 2, message: /temperature/ },
  },
  {
    name: "unknown agent",
    tree: { "events/a.yaml": cronEvent("0 9 * * *") + "  agent: ghost\n" },
    want: { rule: "unknown-reference", file: "events/a.yaml", line: 7, message: /unknown agent "ghost"/ },
  },
  {
    name: "unknown skill",
    tree: { "events/a.yaml": "condition: {type: interval, expr: 1h}\naction:\n  type: skill\n  skill: nowhere\n" },
    want: { rule: "unknown-reference", file: "events/a.yaml", line: 4, message: /unknown skill "nowhere"/ },
  },
  {
    name: "unknown flow",
    tree: { "events/a.yaml": "condition: {type: interval, expr: 1h}\naction:\n  type: flow\n  flow: nightly\n" },
    want: { rule: "unknown-reference", file: "events/a.yaml", line: 4, message: /unknown flow "nightly"/ },
  },
  {
    name: "unknown MCP server",
    tree: { "agents/helper/config.yaml": "description: Helps.\nmcp_servers:\n  - github\n" },
    want: { rule: "unknown-reference", file: "agents/helper/config.yaml", line: 3, message: /MCP server "github"/ },
  },
  {
    name: "duplicate event id across files",
    tree: { "events/a.yaml": cronEvent("0 9 * * *"), "events/b.yaml": "id: a\n" + cronEvent("0 10 * * *") },
    want: { rule: "duplicate-id", file: "events/b.yaml", line: 1, message: /already defined in events\/a.yaml/ },
  },
  {
    name: "duplicate id between an event and a memory followup",
    tree: {
      "events/call-back.yaml": cronEvent("0 9 * * *"),
      "memory/followups.yaml": "followups:\n  - id: call-back\n    due: 2027-01-05T09:00:00+01:00\n    prompt: Call back\n",
    },
    want: { rule: "duplicate-id", file: "memory/followups.yaml", line: 2 },
  },
  {
    name: "name pattern of a file name",
    tree: { "events/Morning_Digest.yaml": cronEvent("0 9 * * *") },
    want: { rule: "name-pattern", file: "events/Morning_Digest.yaml", line: 1 },
  },
  {
    name: "name pattern of an id field",
    tree: { "events/a.yaml": "id: Bad--Name\n" + cronEvent("0 9 * * *") },
    want: { rule: "name-pattern", file: "events/a.yaml", line: 1 },
  },
  { name: "cron expression out of range", tree: { "events/a.yaml": cronEvent("0 25 * * *") }, want: { rule: "cron-expression", file: "events/a.yaml", line: 3 } },
  { name: "cron expression with 4 fields", tree: { "events/a.yaml": cronEvent("0 9 * *") }, want: { rule: "cron-expression", file: "events/a.yaml", line: 3 } },
  {
    name: "unknown time zone on a cron condition",
    tree: { "events/a.yaml": cronEvent("0 9 * * *", "\n    timezone: Europe/Atlantis") },
    want: { rule: "timezone", file: "events/a.yaml", line: 4 },
  },
  {
    name: "unknown workspace time zone",
    tree: { "nexaas.yaml": "name: test-ops\ntimezone: Mars/Olympus\ndefaults: {agent: helper}\n" },
    want: { rule: "timezone", file: "nexaas.yaml", line: 2 },
  },
  {
    name: "interval that is not a duration",
    tree: { "events/a.yaml": "condition:\n  type: interval\n  expr: 15 minutes\naction: {type: script, command: ls}\n" },
    want: { rule: "duration", file: "events/a.yaml", line: 3 },
  },
  {
    name: "interval below one second",
    tree: { "events/a.yaml": "condition:\n  type: interval\n  expr: 500ms\naction: {type: script, command: ls}\n" },
    want: { rule: "interval", file: "events/a.yaml", line: 3 },
  },
  {
    name: "interval far beyond a year (a typo that would overflow dates)",
    tree: { "events/a.yaml": "condition:\n  type: interval\n  expr: 1e30\naction: {type: script, command: ls}\n" },
    want: { rule: "interval", file: "events/a.yaml", line: 3, message: /between 1s and 366d/ },
  },
  {
    name: "environment reference in a script cwd",
    tree: { "events/a.yaml": "condition: {type: interval, expr: 1h}\naction:\n  type: script\n  command: ls\n  cwd: \"${HOME}\"\n" },
    want: { rule: "path-escape", file: "events/a.yaml", line: 5 },
  },
  {
    name: "an empty file",
    tree: { "events/empty.yaml": "" },
    want: { rule: "schema", file: "events/empty.yaml", line: 1, message: /the file is empty: an event file is a mapping/ },
  },
  {
    name: "a second YAML document in one file",
    tree: { "events/two.yaml": "condition: {type: interval, expr: 1h}\naction: {type: script, command: ls}\n---\nx: 1\n" },
    want: { rule: "yaml-syntax", file: "events/two.yaml", line: 3, message: /one YAML document/ },
  },
  {
    name: "absurd nesting",
    tree: { "events/deep.yaml": "x: " + "[".repeat(20000) + "]".repeat(20000) + "\n" },
    want: { rule: "yaml-syntax", file: "events/deep.yaml", line: 1 },
  },
  {
    name: "zero timeout",
    tree: { "events/a.yaml": "condition: {type: interval, expr: 1h}\naction: {type: script, command: ls}\npolicy:\n  timeout: 0s\n" },
    want: { rule: "duration", file: "events/a.yaml", line: 4, message: /policy.timeout/ },
  },
  {
    name: "once value that is not a date-time",
    tree: { "events/a.yaml": "condition:\n  type: once\n  expr: next tuesday\naction: {type: script, command: ls}\n" },
    want: { rule: "date-time", file: "events/a.yaml", line: 3 },
  },
  {
    name: "once value that is not a real date",
    tree: { "events/a.yaml": "condition:\n  type: once\n  expr: 2027-02-30T25:00:00Z\naction: {type: script, command: ls}\n" },
    want: { rule: "once-date", file: "events/a.yaml", line: 3 },
  },
  {
    name: "warning: once date in the past",
    tree: { "events/a.yaml": "condition:\n  type: once\n  expr: 2026-01-01T09:00:00Z\naction: {type: script, command: ls}\n" },
    want: { rule: "once-in-past", file: "events/a.yaml", line: 3, severity: "warning" },
  },
  {
    name: "flow template naming an unknown step",
    tree: {
      "flows/report.yaml": `
        steps:
          - id: fetch
            action: script
            command: ./fetch.sh
          - id: write
            action: claude_chat
            prompt: "Summarise {{steps.fecth.output}}"
      `,
    },
    want: { rule: "flow-template", file: "flows/report.yaml", line: 7, message: /no step "fecth"/ },
  },
  {
    name: "flow template naming a later step",
    tree: {
      "flows/report.yaml": `
        steps:
          - id: write
            action: claude_chat
            prompt: "Summarise {{steps.fetch.output}}"
          - id: fetch
            action: script
            command: ./fetch.sh
      `,
    },
    want: { rule: "flow-template", file: "flows/report.yaml", line: 4, message: /does not run before/ },
  },
  {
    name: "flow template with an unknown root",
    tree: {
      "flows/report.yaml": `
        steps:
          - id: write
            action: claude_chat
            prompt: "Summarise {{ticket.title}}"
      `,
    },
    want: { rule: "flow-template", file: "flows/report.yaml", line: 4, message: /unknown root "ticket"/ },
  },
  {
    name: "flow when that is not CEL",
    tree: {
      "flows/report.yaml": `
        steps:
          - id: fetch
            action: script
            command: ./fetch.sh
          - id: write
            action: claude_chat
            prompt: go
            when: steps.fetch.status ==
      `,
    },
    want: { rule: "flow-when", file: "flows/report.yaml", line: 8 },
  },
  {
    name: "script cwd leaving the workspace",
    tree: { "events/a.yaml": "condition: {type: interval, expr: 1h}\naction:\n  type: script\n  command: ls\n  cwd: ../../etc\n" },
    want: { rule: "path-escape", file: "events/a.yaml", line: 5 },
  },
  {
    name: "absolute script cwd",
    tree: { "events/a.yaml": "condition: {type: interval, expr: 1h}\naction:\n  type: script\n  command: ls\n  cwd: /var/lib\n" },
    want: { rule: "path-escape", file: "events/a.yaml", line: 5 },
  },
  {
    name: "template spliced into a shell command",
    tree: { "events/a.yaml": "condition: {type: webhook, secret: \"${HOOK_SECRET}\"}\naction:\n  type: script\n  command: echo {{trigger.payload.name}}\n" },
    want: { rule: "template-in-command", file: "events/a.yaml", line: 4 },
  },
  {
    name: "symlink leaving the workspace",
    tree: {},
    setup: (dir) => {
      mkdirSync(join(dir, "events"));
      symlinkSync("/etc/hostname", join(dir, "events/outside.yaml"));
    },
    want: { rule: "symlink-escape", file: "events/outside.yaml", line: 1 },
  },
  {
    name: "file over the size limit",
    tree: { "events/huge.yaml": "description: " + "x".repeat(1024 * 1024 + 10) + "\n" },
    want: { rule: "file-too-large", file: "events/huge.yaml", line: 1 },
  },
  {
    name: "binary file",
    tree: { "events/blob.yaml": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]) },
    want: { rule: "binary-file", file: "events/blob.yaml", line: 1 },
  },
  {
    name: "YAML alias bomb, stopped fast",
    tree: {
      "events/bomb.yaml": `
        a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
        b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
        c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
        d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
        e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
        f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
        g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
      `,
    },
    want: { rule: "yaml-alias-limit", file: "events/bomb.yaml", line: 1 },
  },
  {
    name: "agent without prompt.md",
    tree: { "agents/silent/config.yaml": "description: No prompt.\n" },
    want: { rule: "missing-prompt", file: "agents/silent/config.yaml", line: 1 },
  },
  {
    name: "agent name that does not match its folder",
    tree: { "agents/helper/config.yaml": "name: assistant\ndescription: Helps.\n" },
    want: { rule: "name-mismatch", file: "agents/helper/config.yaml", line: 1 },
  },
  {
    name: "claude_chat with both prompt and messages",
    tree: { "events/a.yaml": "condition: {type: interval, expr: 1h}\naction:\n  type: claude_chat\n  prompt: hi\n  messages: [{role: user, content: hi}]\n" },
    want: { rule: "action-fields", file: "events/a.yaml", line: 2 },
  },
  {
    name: "registry entry with an undeclared field",
    tree: { "registries/suppliers.yaml": "fields:\n  name: {type: string, required: true}\nentries:\n  - name: Parts Ltd\n    phone: 123\n" },
    want: { rule: "registry-entry", file: "registries/suppliers.yaml", line: 5 },
  },
  {
    name: "secret given as a literal instead of ${NAME}",
    tree: { "events/hook.yaml": "condition:\n  type: webhook\n  secret: hunter2\naction: {type: script, command: ls}\n" },
    want: { rule: "secret-reference", file: "events/hook.yaml", line: 3 },
  },
];

describe("validate: each bad input is reported with its rule, file and line", () => {
  it.each(cases)("$name", expectCase);

  it("accepts ${NAME} secret references and a clean workspace", async () => {
    const result = await validate({
      "events/hook.yaml": `
        condition:
          type: webhook
          secret: "\${ORDERS_SECRET}"
        action:
          type: webhook
          url: "\${CHAT_WEBHOOK_URL}"
          headers:
            Authorization: "Bearer \${CHAT_TOKEN}"
          body: {text: "{{trigger.payload.order_id}} on {{date.today}}"}
      `,
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it("warns when a claude action has no agent and there is no default", async () => {
    const result = await validate({
      "nexaas.yaml": "name: test-ops\n",
      "events/a.yaml": cronEvent("0 9 * * *"),
    });
    expect(result.diagnostics).toEqual([expect.objectContaining({ rule: "no-agent", severity: "warning", file: "events/a.yaml", line: 4 })]);
    expect(result.ok).toBe(true);
  });

  it("stops an alias bomb in well under a second", async () => {
    const levels = Array.from({ length: 12 }, (_, i) =>
      i === 0 ? `l0: &l0 [${'"x",'.repeat(9)}"x"]` : `l${i}: &l${i} [${`*l${i - 1},`.repeat(9)}*l${i - 1}]`,
    ).join("\n");
    const started = Date.now();
    const result = await validate({ "events/bomb.yaml": levels + "\n" });
    expect(result.diagnostics.map((d) => d.rule)).toContain("yaml-alias-limit");
    expect(Date.now() - started).toBeLessThan(5000); // 10^12 nodes if expanded: this would never finish
  });

  it("reports three bad files in one workspace as three diagnostics in one run", async () => {
    const result = await validate({
      "events/one.yaml": cronEvent("0 99 * * *"),
      "events/two.yaml": "condition: {type: interval, expr: 1h}\naction: {type: skill, skill: missing}\n",
      "flows/three.yaml": "steps:\n  - id: a\n    action: claude_chat\n    prompt: \"{{steps.zzz.output}}\"\n",
    });
    expect(result.diagnostics.map((d) => `${d.file}:${d.line} ${d.rule}`)).toEqual([
      "events/one.yaml:3 cron-expression",
      "events/two.yaml:2 unknown-reference",
      "flows/three.yaml:4 flow-template",
    ]);
  });
});
