// A run's steps grouped for reading: one group per attempt, in order, with the
// attempt's totals. Pure, so it is unit-tested without a browser.
import type { Step } from "./api.js";

export interface AttemptTranscript {
  attempt: number;
  steps: Step[];
  turns: number;
  toolCalls: number;
  toolErrors: number;
  inputTokens: number;
  outputTokens: number;
  /** null when no turn had a price. */
  costUsd: number | null;
  /** Turns whose model has no price (their cost is not in costUsd). */
  unpricedTurns: number;
}

/** Steps by attempt (ascending), each attempt's steps by seq. */
export function groupByAttempt(steps: readonly Step[]): AttemptTranscript[] {
  const byAttempt = new Map<number, Step[]>();
  for (const step of steps) {
    const list = byAttempt.get(step.attempt) ?? [];
    list.push(step);
    byAttempt.set(step.attempt, list);
  }
  return [...byAttempt.entries()]
    .sort(([a], [b]) => a - b)
    .map(([attempt, list]) => summarise(attempt, list.sort((a, b) => a.seq - b.seq)));
}

function summarise(attempt: number, steps: Step[]): AttemptTranscript {
  const turns = steps.filter((s) => s.kind === "turn");
  const calls = steps.filter((s) => s.kind === "tool_call");
  const priced = turns.filter((s) => s.cost_usd !== null);
  return {
    attempt,
    steps,
    turns: turns.length,
    toolCalls: calls.length,
    toolErrors: calls.filter((s) => s.is_error === true).length,
    inputTokens: sum(turns.map((s) => s.input_tokens ?? 0)),
    outputTokens: sum(turns.map((s) => s.output_tokens ?? 0)),
    costUsd: priced.length === 0 ? null : sum(priced.map((s) => s.cost_usd ?? 0)),
    unpricedTurns: turns.length - priced.length,
  };
}

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

/** Indentation class for a sub-agent's depth (CSS classes, since the CSP allows no inline style); deeper ones share the last. */
export const depthClass = (depth: number): string => `depth-${Math.max(0, Math.min(depth, 4))}`;
