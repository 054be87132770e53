import type { Database } from "better-sqlite3";
import { Counter, Histogram, type Registry } from "prom-client";
import { lastRunStepId, stepsAfter, type ToolCallSample } from "../store/run-steps-after.js";

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
export function registerToolCallMetrics(db: Database, registers: Registry[], options: ToolCallMetricsOptions = {}): void {
  const batch = options.batch ?? 10_000;
  const maxSeries = options.maxSeries ?? 1000;
  let cursor = lastRunStepId(db);
  const series = new Set<string>();

  const calls = new Counter({
    name: "nexaas_tool_calls_total",
    help: `Tool calls of agents, by MCP server ("${builtinServer}" for built-in nexaas__ tools), tool (as the model saw it) and status (ok, error), counted from run_steps since the controller started.`,
    labelNames: ["server", "tool", "status"],
    registers,
    // A scrape collects metrics in the order they were registered: this read feeds the histogram below too.
    collect: catchUp,
  });
  const durations = new Histogram({
    name: "nexaas_tool_call_duration_seconds",
    help: "How long tool calls of agents took, by MCP server and tool.",
    labelNames: ["server", "tool"],
    buckets: toolDurationBuckets,
    registers,
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

  function catchUp(): void {
    const { last, toolCalls } = stepsAfter(db, cursor, batch);
    cursor = last;
    for (const call of toolCalls) {
      const l = labels(call);
      calls.inc({ ...l, status: call.is_error ? "error" : "ok" });
      durations.observe(l, call.duration_ms / 1000);
    }
  }
}
