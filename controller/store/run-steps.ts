import type { TokenCounts } from "../definitions/token-counts.js";
import type { Sql } from "./sql/sql.js";
import { isoTime } from "./time.js";

/** Who took a step of an attempt: the run's agent (depth 0) or a sub-agent it delegated to. */
export interface StepOwner {
  runId: number;
  attempt: number;
  agent: string;
  depth: number;
}

/** One model turn: what was asked of which model, why it stopped, what it used and the text it wrote. */
export interface TurnStep extends StepOwner {
  kind: "turn";
  model: string;
  /** The reply's text (masked and capped by the caller), kept in the `output` column. */
  text: string;
  stopReason: string | null;
  usage: TokenCounts;
  costUsd: number | null;
}

/** One tool call, input and output already masked and capped by the caller. */
export interface ToolCallStep extends StepOwner {
  kind: "tool_call";
  tool: string;
  /** The MCP server, or null for a built-in tool. */
  server: string | null;
  input: string;
  output: string;
  isError: boolean;
}

/** `seq`: the step's place in its attempt, handed out when the step began (a call's place is where the model asked for it); the next free one when omitted. */
export type RunStep = (TurnStep | ToolCallStep) & {
  startedAt: Date;
  durationMs: number;
  seq?: number;
};

/** A stored step as read back, in the column names of SPEC §10 machine output. */
export interface RunStepRow {
  attempt: number;
  seq: number;
  kind: "turn" | "tool_call";
  agent: string;
  depth: number;
  model: string | null;
  stop_reason: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cache_creation_input_tokens: number | null;
  cache_read_input_tokens: number | null;
  cost_usd: number | null;
  tool: string | null;
  server: string | null;
  input: string | null;
  output: string | null;
  is_error: number | null;
  duration_ms: number;
  started_at: string;
}

const insertSql = `
  INSERT INTO run_steps (run_id, attempt, seq, kind, agent, depth, model, stop_reason, input_tokens, output_tokens,
    cache_creation_input_tokens, cache_read_input_tokens, cost_usd, tool, server, input, output, is_error, duration_ms, started_at)
  VALUES (@runId, @attempt,
    COALESCE(@seq, (SELECT COALESCE(MAX(seq), 0) + 1 FROM run_steps WHERE run_id = @runId AND attempt = @attempt)),
    @kind, @agent, @depth, @model, @stopReason, @input_tokens, @output_tokens, @cache_creation_input_tokens,
    @cache_read_input_tokens, @costUsd, @tool, @server, @input, @output, @isError, @durationMs, @startedAt)`;

/** Appends one step to its attempt's transcript (seq numbers follow the order of the calls). */
export async function recordRunStep(sql: Sql, step: RunStep): Promise<void> {
  const none = {
    model: null,
    stopReason: null,
    input_tokens: null,
    output_tokens: null,
    cache_creation_input_tokens: null,
    cache_read_input_tokens: null,
    costUsd: null,
  };
  const common = {
    seq: step.seq ?? null,
    runId: step.runId,
    attempt: step.attempt,
    kind: step.kind,
    agent: step.agent,
    depth: step.depth,
    durationMs: Math.round(step.durationMs),
    startedAt: isoTime(step.startedAt),
  };
  const row =
    step.kind === "turn"
      ? {
          ...common,
          model: step.model,
          stopReason: step.stopReason,
          ...step.usage,
          costUsd: step.costUsd,
          tool: null,
          server: null,
          input: null,
          output: step.text === "" ? null : step.text,
          isError: null,
        }
      : { ...common, ...none, tool: step.tool, server: step.server, input: step.input, output: step.output, isError: step.isError ? 1 : 0 };
  await sql.run(insertSql, row);
}

/** A run's steps, every attempt, in order. */
export function readRunSteps(sql: Sql, runId: number): Promise<RunStepRow[]> {
  return sql.all<RunStepRow>(
    `SELECT attempt, seq, kind, agent, depth, model, stop_reason, input_tokens, output_tokens, cache_creation_input_tokens,
       cache_read_input_tokens, cost_usd, tool, server, input, output, is_error, duration_ms, started_at
     FROM run_steps WHERE run_id = ? ORDER BY attempt, seq`,
    [runId],
  );
}
