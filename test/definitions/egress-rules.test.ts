import { describe, expect, it } from "vitest";
import { validateWorkspace } from "../../controller/definitions/validate-workspace.js";
import { tempDir } from "../cli/helpers.js";
import { baseWorkspace, type Tree, writeTree } from "../support/tree.js";

async function validate(tree: Tree) {
  const dir = tempDir();
  writeTree(dir, { ...baseWorkspace, ...tree });
  return validateWorkspace({ dir, now: new Date("2026-11-23T12:00:00Z"), frameworkDir: null });
}

describe("template-in-origin: a webhook's scheme, host and port never come from a template (finding 6)", () => {
  it("fails an event action and a flow step, each at its url's file:line:col", async () => {
    const result = await validate({
      "events/relay.yaml": [
        "condition: {type: webhook, secret: \"${RELAY_SECRET}\"}",
        "action:",
        "  type: webhook",
        "  url: \"http://{{trigger.payload.host}}/x\"",
        "",
      ].join("\n"),
      "flows/forward.yaml": [
        "steps:",
        "  - id: fetch",
        "    action: script",
        "    command: echo api.example",
        "  - id: post",
        "    action: webhook",
        "    url: \"https://api.example:{{steps.fetch.output}}/in\"",
        "",
      ].join("\n"),
    });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.filter((d) => d.rule === "template-in-origin")).toEqual([
      expect.objectContaining({ file: "events/relay.yaml", line: 4, column: 8, severity: "error", message: expect.stringContaining("{{trigger.payload.host}}") }),
      expect.objectContaining({ file: "flows/forward.yaml", line: 7, column: 10, severity: "error", message: expect.stringContaining("{{steps.fetch.output}}") }),
    ]);
  });

  it("accepts templates in the path and query after a fixed or ${NAME} origin", async () => {
    const result = await validate({
      "events/ok.yaml": [
        "condition: {type: webhook, secret: \"${RELAY_SECRET}\"}",
        "action:",
        "  type: flow",
        "  steps:",
        "    - {id: a, action: webhook, url: \"https://api.example/orders/{{trigger.payload.id}}?s={{date.today}}\"}",
        "    - {id: b, action: webhook, url: \"${BASE_URL}/items/{{steps.a.status}}\"}",
        "",
      ].join("\n"),
    });
    expect(result.diagnostics).toEqual([]);
  });
});

describe("egress in nexaas.yaml", () => {
  it("accepts allow_private and CIDR blocks, and names a bad CIDR at its line", async () => {
    const good = await validate({ "nexaas.yaml": "name: test-ops\negress:\n  allow_private: false\n  allow: [10.1.2.0/24, 127.0.0.1, \"fd00::/8\"]\n" });
    expect(good.diagnostics).toEqual([]);
    const bad = await validate({ "nexaas.yaml": "name: test-ops\negress:\n  allow:\n    - 10.1.2.0/24\n    - 10.1.2.0/33\n" });
    expect(bad.diagnostics).toEqual([expect.objectContaining({ rule: "egress-allow", file: "nexaas.yaml", line: 5, column: 7, message: expect.stringContaining("10.1.2.0/33") })]);
    const unknown = await validate({ "nexaas.yaml": "name: test-ops\negress: {allow_public: false}\n" });
    expect(unknown.diagnostics).toEqual([expect.objectContaining({ rule: "schema", file: "nexaas.yaml" })]);
  });
});
