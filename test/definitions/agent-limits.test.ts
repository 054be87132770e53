import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { resolveAgentLimits } from "../../controller/definitions/agent-limits.js";

const nexaas = JSON.parse(readFileSync(new URL("../../schemas/nexaas.schema.json", import.meta.url), "utf8")) as {
  properties: { defaults: { properties: Record<string, { default?: unknown }> } };
};

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

/** The README's limits table (under "Agents that act"): field -> the default column as written. */
function readmeLimits(): Map<string, string> {
  const table = readme.slice(readme.indexOf("| Field | Default | Counts |"));
  const rows = new Map<string, string>();
  for (const line of table.split("\n").slice(2)) {
    const m = /^\| `([a-z_]+)` \| ([^|]+) \|/.exec(line);
    if (!m?.[1] || !m[2]) break;
    rows.set(m[1], m[2].trim());
  }
  return rows;
}

describe("agent limits", () => {
  it("the README's limits table lists every limit with the schema's default", () => {
    const schema = nexaas.properties.defaults.properties;
    const limits = ["max_turns", "max_tool_calls", "max_cost_usd", "tool_timeout", "max_delegation_depth"];
    expect([...readmeLimits().keys()]).toEqual(limits);
    for (const field of limits) {
      const spec = schema[field];
      expect(readmeLimits().get(field), field).toBe(spec && "default" in spec ? `\`${String(spec.default)}\`` : "none");
    }
  });

  it("takes the schema's defaults when neither the agent nor the workspace sets a limit", () => {
    const schema = nexaas.properties.defaults.properties;
    expect(resolveAgentLimits({}, undefined)).toEqual({
      maxTurns: schema.max_turns?.default,
      maxToolCalls: schema.max_tool_calls?.default,
      maxCostUsd: undefined,
      toolTimeoutMs: 60_000,
      maxDelegationDepth: schema.max_delegation_depth?.default,
    });
    expect(schema.tool_timeout?.default).toBe("60s");
    expect(schema.max_cost_usd).not.toHaveProperty("default");
  });

  it("lets the agent win over nexaas.yaml defaults, and the defaults over the schema", () => {
    const defaults = { max_turns: 8, max_tool_calls: 30, max_cost_usd: 0.5, tool_timeout: "2m", max_delegation_depth: 1 };
    expect(resolveAgentLimits({}, defaults)).toEqual({ maxTurns: 8, maxToolCalls: 30, maxCostUsd: 0.5, toolTimeoutMs: 120_000, maxDelegationDepth: 1 });
    expect(resolveAgentLimits({ max_turns: 3, max_tool_calls: 0, max_cost_usd: 0.05, tool_timeout: 5 }, defaults)).toEqual({
      maxTurns: 3,
      maxToolCalls: 0,
      maxCostUsd: 0.05,
      toolTimeoutMs: 5_000,
      maxDelegationDepth: 1,
    });
    expect(resolveAgentLimits({}, { max_delegation_depth: 0 }).maxDelegationDepth).toBe(0);
  });

  it("falls back to the default timeout for a stored duration validation would refuse, never to none", () => {
    expect(resolveAgentLimits({ tool_timeout: "0s" }, undefined).toolTimeoutMs).toBe(60_000);
  });
});
