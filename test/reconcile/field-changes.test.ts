import { describe, expect, it } from "vitest";
import { deepEqual, diffSpecs } from "../../controller/reconcile/field-changes.js";
import { plan } from "../../controller/reconcile/plan.js";
import { object, stored } from "./plan-objects.js";

const inFile = (file: string) => (path: string) => ({ file, label: path });
const now = new Date("2026-11-20T12:00:00Z");

describe("diffSpecs", () => {
  it("names changed leaves by key and index, down into nested steps", () => {
    const before = { action: { type: "flow", steps: [{ id: "a", action: "script", command: "./a.sh" }, { id: "b", action: "claude_chat", prompt: "Hi", agent: "x" }] } };
    const after = { action: { type: "flow", steps: [{ id: "a", action: "script", command: "./a.sh" }, { id: "b", action: "claude_chat", prompt: "Hello", session: "s" }] } };
    expect(diffSpecs(before, after, inFile("events/e.yaml"))).toEqual({
      fields: [
        { path: "action.steps[1].prompt", before: "Hi", after: "Hello" },
        { path: "action.steps[1].session", after: "s" },
        { path: "action.steps[1].agent", before: "x" },
      ],
      text_diffs: [],
    });
  });

  it("treats a value that changes type as one change, and a scalar list as one value", () => {
    const d = diffSpecs({ input: "text", skills: ["a", "b"], policy: { backoff: ["30s"] } }, { input: { k: 1 }, skills: ["a", "c", "b"], policy: { backoff: ["30s"] } }, inFile("x"));
    expect(d.fields).toEqual([
      { path: "input", before: "text", after: { k: 1 } },
      { path: "skills", before: ["a", "b"], after: ["a", "c", "b"] },
    ]);
  });

  it("lists added and removed list items of objects by index", () => {
    const d = diffSpecs({ entries: [{ a: 1 }] }, { entries: [{ a: 1 }, { a: 2 }] }, inFile("x"));
    expect(d.fields).toEqual([{ path: "entries[1].a", after: 2 }]);
    expect(diffSpecs({ policy: {} }, {}, inFile("x")).fields).toEqual([{ path: "policy", before: {} }]);
  });

  it("quotes keys that are not identifiers", () => {
    const d = diffSpecs({ front_matter: { "allowed-tools": "Read" } }, { front_matter: { "allowed-tools": "Read Write" } }, inFile("x"));
    expect(d.fields).toEqual([{ path: 'front_matter["allowed-tools"]', before: "Read", after: "Read Write" }]);
  });

  it("gives a multi-line text a unified diff instead of before and after", () => {
    const before = { steps: [{ id: "a", action: "claude_chat", prompt: "Line one\nLine two\nLine three" }] };
    const after = { steps: [{ id: "a", action: "claude_chat", prompt: "Line one\nLine 2\nLine three" }] };
    const d = diffSpecs(before, after, inFile("flows/f.yaml"));
    expect(d.fields).toEqual([{ path: "steps[0].prompt" }]);
    expect(d.text_diffs).toEqual([
      {
        field: "steps[0].prompt",
        patch: "--- a/flows/f.yaml\tsteps[0].prompt\n+++ b/flows/f.yaml\tsteps[0].prompt\n@@ -1,3 +1,3 @@\n Line one\n-Line two\n+Line 2\n Line three\n",
      },
    ]);
  });

  it("diffs a text that appears from /dev/null", () => {
    const d = diffSpecs(undefined, { prompt: "One\nTwo\n" }, () => ({ file: "agents/a/prompt.md" }));
    expect(d.text_diffs[0]?.patch).toBe("--- /dev/null\n+++ b/agents/a/prompt.md\n@@ -0,0 +1,2 @@\n+One\n+Two\n");
  });

  it("compares JSON values structurally", () => {
    expect(deepEqual({ a: [1, { b: 2 }], c: null }, { c: null, a: [1, { b: 2 }] })).toBe(true);
    expect(deepEqual({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(deepEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(deepEqual([], {})).toBe(false);
  });
});

describe("plan: text diffs", () => {
  it("shows an agent's prompt change as a diff of prompt.md, with no before or after", () => {
    const old = object("agent", "manager", { description: "Runs.", prompt: "You are the manager.\nBe brief.\n" });
    const now2 = object("agent", "manager", { description: "Runs.", prompt: "You are the manager.\nBe thorough.\n" });
    const [change] = plan([now2], [stored(old)], { base: "r1", head: "r2", now }).changes;
    expect(change?.fields).toEqual([{ path: "prompt" }]);
    expect(change?.text_diffs).toEqual([
      { field: "prompt", patch: "--- a/agents/manager/prompt.md\n+++ b/agents/manager/prompt.md\n@@ -1,2 +1,2 @@\n You are the manager.\n-Be brief.\n+Be thorough.\n" },
    ]);
  });

  it("heads a skill's instructions with the skill file", () => {
    const old = object("skill", "triage", { format: "markdown", description: "Triage.", instructions: "Read the ticket.\nLabel it." });
    const now2 = object("skill", "triage", { format: "markdown", description: "Triage.", instructions: "Read the ticket.\nLabel it.\nAssign it." });
    const [change] = plan([now2], [stored(old)], { base: "r1", head: "r2", now }).changes;
    expect(change?.text_diffs[0]?.patch).toBe("--- a/skills/triage.md\n+++ b/skills/triage.md\n@@ -1,2 +1,3 @@\n Read the ticket.\n Label it.\n+Assign it.\n");
  });
});
