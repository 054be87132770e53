import { describe, expect, it } from "vitest";
import type { Step } from "../../ui/src/api.js";
import { depthClass, groupByAttempt } from "../../ui/src/transcript.js";

const base: Step = {
  attempt: 1,
  seq: 1,
  kind: "turn",
  agent: "writer",
  depth: 0,
  model: "claude-haiku-4-5",
  stop_reason: "end_turn",
  input_tokens: 100,
  output_tokens: 10,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
  cost_usd: 0.001,
  tool: null,
  server: null,
  input: null,
  output: null,
  is_error: null,
  duration_ms: 500,
  started_at: "2026-11-23T09:00:00.000Z",
};
const turn = (attempt: number, seq: number, change: Partial<Step> = {}): Step => ({ ...base, attempt, seq, ...change });
const call = (attempt: number, seq: number, isError: boolean): Step =>
  turn(attempt, seq, { kind: "tool_call", model: null, stop_reason: null, input_tokens: null, output_tokens: null, cost_usd: null, tool: "mcp__files__read_file", server: "files", is_error: isError });

describe("a run's transcript grouped by attempt", () => {
  it("orders attempts and their steps, whatever order the steps came in", () => {
    const groups = groupByAttempt([turn(2, 1), call(1, 2, false), turn(1, 3), turn(1, 1)]);
    expect(groups.map((g) => [g.attempt, g.steps.map((s) => s.seq)])).toEqual([
      [1, [1, 2, 3]],
      [2, [1]],
    ]);
  });

  it("adds up an attempt's turns, tool calls, failures, tokens and cost", () => {
    const [first] = groupByAttempt([turn(1, 1), call(1, 2, true), call(1, 3, false), turn(1, 4, { depth: 1, agent: "helper", cost_usd: null, input_tokens: 50, output_tokens: 5 })]);
    expect(first).toMatchObject({ turns: 2, toolCalls: 2, toolErrors: 1, inputTokens: 150, outputTokens: 15, costUsd: 0.001, unpricedTurns: 1 });
  });

  it("has no cost when no turn was priced, and none for no steps", () => {
    expect(groupByAttempt([turn(1, 1, { cost_usd: null })])[0]?.costUsd).toBeNull();
    expect(groupByAttempt([])).toEqual([]);
  });

  it("indents sub-agents by depth, the deepest sharing the last class", () => {
    expect([0, 1, 3, 9, -1].map(depthClass)).toEqual(["depth-0", "depth-1", "depth-3", "depth-4", "depth-0"]);
  });
});
