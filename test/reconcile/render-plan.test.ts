import { describe, expect, it } from "vitest";
import { plan } from "../../controller/reconcile/plan.js";
import type { Plan } from "../../controller/reconcile/plan.js";
import { formatFireTime } from "../../controller/reconcile/plan-format.js";
import { renderPlanJson } from "../../controller/reconcile/render-plan-json.js";
import { renderPlanMarkdown } from "../../controller/reconcile/render-plan-markdown.js";
import { renderPlanText } from "../../controller/reconcile/render-plan-text.js";
import { editedOutOfBand, event, object, stored, workspace } from "./plan-objects.js";

const now = new Date("2026-11-20T12:00:00Z");
const ansiEscape = "\x1b[";

function samplePlan(): Plan {
  const before = object("agent", "manager", { description: "Runs.", model: "claude-sonnet-4-5", prompt: "You are the manager.\nBe brief.\n" });
  const after = object("agent", "manager", { description: "Runs | all.", model: "claude-opus-4-1", prompt: "You are the manager.\nBe thorough.\n" });
  const gone = object("skill", "old", { format: "markdown", description: "Old.", instructions: "x" }, "framework");
  const cron = event("digest", { action: { type: "script", command: "./scripts/digest.sh" } });
  return plan([workspace(), after, cron], [stored(workspace()), stored(before), editedOutOfBand(gone, { format: "markdown", description: "Edited.", instructions: "x" })], {
    base: "a".repeat(40),
    head: "b".repeat(40),
    now,
  });
}

const empty = (): Plan => plan([workspace()], [stored(workspace())], { base: "r1", head: "r2", now });

describe("renderPlanText", () => {
  it("shows each change, its fields, diffs, fire times with offsets and risks, then a summary", () => {
    const text = renderPlanText(samplePlan(), { color: false });
    expect(text).not.toContain(ansiEscape);
    expect(text).toContain("Nexaas plan: aaaaaaaaaaaa -> bbbbbbbbbbbb\n");
    expect(text).toContain("~ agent manager (workspace, agents/manager/config.yaml)\n");
    expect(text).toContain('    model: "claude-sonnet-4-5" -> "claude-opus-4-1"\n');
    expect(text).toContain("    prompt:\n      --- a/agents/manager/prompt.md\n      +++ b/agents/manager/prompt.md\n      @@ -1,2 +1,2 @@\n       You are the manager.\n      -Be brief.\n      +Be thorough.\n");
    expect(text).toContain("    ! agent manager changes model: claude-sonnet-4-5 -> claude-opus-4-1\n");
    expect(text).toContain("- skill old (framework, skills/old.md) [drift: edited outside git; apply puts it back]\n");
    expect(text).toContain('+ event digest (workspace, events/digest.yaml)\n    enabled: true\n    condition.type: "cron"\n');
    expect(text).toContain("    next fire times (Europe/Paris):\n      Mon 2026-11-23 09:00:00 +01:00\n");
    expect(text).toContain("    ! new script command: ./scripts/digest.sh\n");
    expect(text.endsWith("Plan: 1 to create, 1 to update, 1 to delete, 1 unchanged.\n")).toBe(true);
  });

  it("shows an agent's tools and servers whole, however long: a reviewer must read every pattern", () => {
    const deny = ["mcp__filesystem__write_*", "mcp__filesystem__edit_*", "mcp__filesystem__move_*", "mcp__filesystem__create_*"];
    const before = object("agent", "clerk", { description: "Reads.", prompt: "p", mcp_servers: ["filesystem"] });
    const after = object("agent", "clerk", { description: "Reads.", prompt: "p", mcp_servers: ["filesystem"], tools: { deny } });
    const p = plan([workspace(), after], [stored(workspace()), stored(before)], { base: "r1", head: "r2", now });
    expect(renderPlanText(p, { color: false })).toContain(`tools.deny: (none) -> ${JSON.stringify(deny)}`);
    expect(renderPlanMarkdown(p)).toContain(deny.at(-1));
  });

  it("colours only when asked", () => {
    expect(renderPlanText(samplePlan(), { color: true })).toContain(`${ansiEscape}33m~`);
    expect(renderPlanText(empty(), { color: false })).toBe("Nexaas plan: r1 -> r2\n\nNo changes. 1 object unchanged.\n");
  });

  it("shortens long values and escapes control characters from the workspace", () => {
    const p = plan([object("agent", "a", { description: "x".repeat(200), prompt: "one\n\x1b[2Jtwo\n" })], [], { base: null, head: "h", now });
    const text = renderPlanText(p, { color: false });
    expect(text).toContain(`description: "${"x".repeat(78)}…\n`);
    expect(text).toContain("+\\u001b[2Jtwo");
    expect(text).not.toContain(ansiEscape);
    expect(text).toContain("Nexaas plan: (nothing applied) -> h");
  });
});

describe("formatFireTime", () => {
  it("shows local time with the offset, which moves with DST", () => {
    expect(formatFireTime("2026-03-29T00:30:00.000Z", "Europe/Paris")).toBe("Sun 2026-03-29 01:30:00 +01:00");
    expect(formatFireTime("2026-03-29T01:30:00.000Z", "Europe/Paris")).toBe("Sun 2026-03-29 03:30:00 +02:00");
    expect(formatFireTime("2026-11-23T08:00:00.000Z", null)).toBe("Mon 2026-11-23 08:00:00 +00:00");
    expect(formatFireTime("2026-11-23T08:00:00.000Z", "Asia/Kolkata")).toBe("Mon 2026-11-23 13:30:00 +05:30");
  });
});

describe("renderPlanMarkdown", () => {
  it("has a summary table, the risks, and a collapsible block per change", () => {
    const md = renderPlanMarkdown(samplePlan());
    expect(md).toContain("## Nexaas plan");
    expect(md).toContain("| kind | create | update | delete |\n|---|---:|---:|---:|\n| agent | 0 | 1 | 0 |\n| skill | 0 | 0 | 1 |\n| event | 1 | 0 | 0 |\n| **total** | **1** | **1** | **1** |");
    expect(md).toContain("### Risks\n\n- :warning: `agent/manager` agent manager changes model: claude-sonnet-4-5 -&gt; claude-opus-4-1\n- :warning: `event/digest` new script command: ./scripts/digest.sh\n");
    expect(md).toContain("edited outside git (apply puts them back): `skill/old`");
    expect(md).toContain("<details><summary><code>~ agent manager</code> update (workspace, <code>agents/manager/config.yaml</code>)</summary>\n\n");
    expect(md).toContain('| field | before | after |\n|---|---|---|\n| `description` | `"Runs."` | `"Runs \\| all."` |\n');
    expect(md).toContain("```diff\n--- a/agents/manager/prompt.md\n+++ b/agents/manager/prompt.md\n@@ -1,2 +1,2 @@\n You are the manager.\n-Be brief.\n+Be thorough.\n```\n");
    expect(md).toContain("Next fire times (Europe/Paris):\n\n- Mon 2026-11-23 09:00:00 +01:00\n");
    expect(md.split("<details>").length - 1).toBe(3);
    expect(md.split("</details>").length - 1).toBe(3);
  });

  it("says so when there is nothing to do, and when nothing is risky", () => {
    const md = renderPlanMarkdown(empty());
    expect(md).toContain("No changes. 1 object unchanged.");
    expect(md).not.toContain("<details>");
    const harmless = plan([object("skill", "s", { format: "markdown", description: "New.", instructions: "Do." })], [], { base: null, head: "h", now });
    expect(renderPlanMarkdown(harmless)).toContain("### Risks\n\nNo risks flagged.\n");
  });

  it("keeps a fence and inline code intact around backticks", () => {
    const p = plan([object("agent", "a", { description: "use `x`", prompt: "```\ncode\n```\n" })], [], { base: null, head: "h", now });
    const md = renderPlanMarkdown(p);
    expect(md).toContain('| `description` |  | ``"use `x`"`` |');
    expect(md).toContain("````diff\n");
  });

  it("lists the changes past the size limit by name only", () => {
    const many = Array.from({ length: 30 }, (_, i) => object("skill", `skill-${String(i).padStart(2, "0")}`, { format: "markdown", description: "d".repeat(500), instructions: "i" }));
    const md = renderPlanMarkdown(plan(many, [], { base: null, head: "h", now }), { maxLength: 8_000 });
    expect(md.length).toBeLessThan(9_000);
    expect(md).toMatch(/\d+ more changes not shown in full \(comment size limit\)/);
    expect(md).toContain("- `+ skill skill-29`");
  });
});

describe("renderPlanJson", () => {
  it("has the SPEC §10 keys, snake_case, pretty-printed with a trailing newline", () => {
    const json = renderPlanJson(samplePlan());
    expect(json.endsWith("}\n")).toBe(true);
    expect(json).toContain('\n  "base": ');
    const parsed = JSON.parse(json) as Record<string, unknown> & { changes: Record<string, unknown>[] };
    expect(Object.keys(parsed)).toEqual(["base", "head", "changes", "unchanged", "drift"]);
    expect(parsed).toMatchObject({ base: "a".repeat(40), head: "b".repeat(40), unchanged: 1, drift: ["skill/old"] });
    for (const change of parsed.changes) {
      expect(Object.keys(change)).toEqual(["kind", "name", "op", "layer", "file", "drift", "fields", "text_diffs", "next_fire_times", "timezone", "risks"]);
      expect(["create", "update", "delete"]).toContain(change.op);
    }
    const digest = parsed.changes.find((c) => c.name === "digest");
    expect(digest).toMatchObject({ kind: "event", op: "create", timezone: "Europe/Paris", risks: [{ code: "script-command", message: "new script command: ./scripts/digest.sh" }] });
    expect(digest?.next_fire_times).toEqual(["2026-11-23T08:00:00.000Z", "2026-11-24T08:00:00.000Z", "2026-11-25T08:00:00.000Z", "2026-11-26T08:00:00.000Z", "2026-11-27T08:00:00.000Z"]);
    expect(parsed.changes.find((c) => c.name === "manager")?.fields).toEqual([
      { path: "description", before: "Runs.", after: "Runs | all." },
      { path: "model", before: "claude-sonnet-4-5", after: "claude-opus-4-1" },
      { path: "prompt" },
    ]);
  });
});
