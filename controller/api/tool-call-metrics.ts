import { Counter, Histogram, type Registry } from "prom-client";
import { lastRunStepId, stepsAfter, type ToolCallSample } from "../store/run-steps-after.js";
import type { Sql } from "../store/sql/sql.js";

/** Tool call durations, in seconds (tool_timeout defaults to 60 s). */
export const toolDurationBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
/** The `server` label of a built-in tool (nexaas__*): no MCP server name is empty. */
export const builtinServer = "";
/** The `tool` and `server` labels of calls past `maxSeries` distinct tools (a model may call names nobody declared). */
export const otherTool = "_other";

export interface ToolCallMetricsOptions {
  /** Steps read per scrape at most; the rest are read by the next scrapes. */
  batch?: number;
  /** Distinct (server, tool) pairs before further ones are counted as `_other`. */
  maxSeries?: number;
}

/**
 * nexaas_tool_calls_total{server,tool,status} and nexaas_tool_call_duration_seconds{server,tool}.
 * Workers write tool calls to run_steps, maybe in another process than the API, so each
 * scrape reads the steps written since the last one (by primary key, at most `batch`),
 * starting after the newest step at construction: like the run counters, these count
 * from zero when the process starts and never replay history. Retention deleting steps
 * changes no count.
 */
export function registerToolCallMetrics(sql: Sql, registers: Registry[], options: ToolCallMetricsOptions = {}): void {
  const batch = options.batch ?? 10_000;
  const maxSeries = options.maxSeries ?? 1000;
  // Read now (on SQLite, on this very turn), awaited by the first scrape.
  const start = lastRunStepId(sql);
  let cursor: number | undefined;
  // Scrapes may overlap; each reads from where the one before it stopped, so no step counts twice.
  let reading: Promise<void> = Promise.resolve();
  const series = new Set<string>();

  const calls = new Counter({
    name: "nexaas_tool_calls_total",
    help: `Tool calls of agents, by MCP server ("${builtinServer}" for built-in nexaas__ tools), tool (as the model saw it) and status (ok, error), counted from run_steps since the controller started.`,
    labelNames: ["server", "tool", "status"],
    registers,
    // A scrape collects metrics in the order they were registered: this read, started first, feeds the histogram below too.
    collect: catchUp,
  });
  const durations = new Histogram({
    name: "nexaas_tool_call_duration_seconds",
    help: "How long tool calls of agents took, by MCP server and tool.",
    labelNames: ["server", "tool"],
    buckets: toolDurationBuckets,
    registers,
    // Collected alongside the counter (prom-client gets every metric at once): waits for its read.
    collect: () => reading,
  });

  function labels(call: ToolCallSample): { server: string; tool: string } {
    const server = call.server ?? builtinServer;
    const key = `${server}\0${call.tool}`;
    if (!series.has(key)) {
      if (series.size >= maxSeries) return { server: otherTool, tool: otherTool };
      series.add(key);
    }
    return { server, tool: call.tool };
  }

  function catchUp(): Promise<void> {
    reading = reading.then(readSteps, readSteps);
    return reading;
  }

  async function readSteps(): Promise<void> {
    const { last, toolCalls } = await stepsAfter(sql, cursor ?? (await start), batch);
    cursor = last;
    for (const call of toolCalls) {
      const l = labels(call);
      calls.inc({ ...l, status: call.is_error ? "error" : "ok" });
      durations.observe(l, call.duration_ms / 1000);
    }
  }
}
