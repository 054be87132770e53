import { recordRunStep, type RunStep } from "../../controller/store/run-steps.js";
import type { Sql } from "../../controller/store/sql/sql.js";

const t0 = Date.parse("2026-11-23T09:00:00.000Z");
const at = (ms: number) => new Date(t0 + ms);
const usage = (input: number, output: number, cacheRead = 0) => ({ input_tokens: input, output_tokens: output, cache_creation_input_tokens: 0, cache_read_input_tokens: cacheRead });

/** A long tool input: the CLI cuts it, --json and the API keep it whole. */
export const longInput = JSON.stringify({ order: 42, note: "x".repeat(300) });
/** Tool output that a terminal or a browser would act on if it were not shown as text. */
export const hostileOutput = "order 42: <script>alert(1)</script>\n\u001b[31mred\u001b[0m\nline 3\nline 4\nline 5\nline 6\nline 7";

/** [attempt, seq, kind, agent, depth] of the seeded steps, in order. */
export const seededOrder = [
  [1, 1, "turn", "writer", 0],
  [1, 2, "tool_call", "writer", 0],
  [2, 1, "turn", "writer", 0],
  [2, 2, "turn", "researcher", 1],
  [2, 3, "tool_call", "researcher", 1],
  [2, 4, "turn", "researcher", 1],
  [2, 5, "tool_call", "writer", 0],
  [2, 6, "turn", "writer", 0],
];

/**
 * A finished claude_chat run of `eventId` with its transcript as the loop records it: attempt 1
 * (a turn, a file read), then attempt 2 where the writer delegates to the researcher, whose
 * tool call fails, at depth 1. Returns the run's id.
 */
export async function seedTranscript(sql: Sql, eventId: string): Promise<number> {
  // Each further run is scheduled an hour later (a slot holds one run).
  const runs = await sql.get<{ n: number }>("SELECT count(*) AS n FROM event_runs WHERE event_id = ?", [eventId]);
  const slot = at(Number(runs?.n ?? 0) * 3_600_000).toISOString();
  const inserted = await sql.get<{ id: number }>(
    `INSERT INTO event_runs (event_id, scheduled_for, trigger, status, attempt, started_at, finished_at, duration_ms, output, stop_reason, created_at)
     VALUES (?, ?, 'schedule', 'success', 2, ?, ?, 4000, 'No order 42.', 'end_turn', ?)
     RETURNING id`,
    [eventId, slot, at(0).toISOString(), at(4000).toISOString(), at(0).toISOString()],
  );
  const runId = Number(inserted?.id);
  const writer = { runId, agent: "writer", depth: 0 };
  const researcher = { runId, agent: "researcher", depth: 1 };
  const steps: RunStep[] = [
    { ...writer, attempt: 1, kind: "turn", model: "claude-sonnet-4-5", stopReason: "tool_use", text: "Reading the stock file.", usage: usage(1200, 80, 300), costUsd: 0.0123, startedAt: at(0), durationMs: 1500 },
    { ...writer, attempt: 1, kind: "tool_call", tool: "mcp__files__read_file", server: "files", input: '{\n  "path": "scripts/stock-sample.csv"\n}', output: "sku,qty\nA1,3\n", isError: false, startedAt: at(1500), durationMs: 35 },
    { ...writer, attempt: 2, kind: "turn", text: "", model: "claude-sonnet-4-5", stopReason: "tool_use", usage: usage(900, 60), costUsd: 0.0036, startedAt: at(2000), durationMs: 800 },
    { ...researcher, attempt: 2, kind: "turn", text: "", model: "claude-haiku-4-5", stopReason: "tool_use", usage: usage(300, 20), costUsd: null, startedAt: at(2800), durationMs: 400 },
    { ...researcher, attempt: 2, kind: "tool_call", tool: "mcp__shop__lookup_order", server: "shop", input: longInput, output: hostileOutput, isError: true, startedAt: at(3200), durationMs: 120 },
    { ...researcher, attempt: 2, kind: "turn", text: "", model: "claude-haiku-4-5", stopReason: "end_turn", usage: usage(400, 10), costUsd: null, startedAt: at(3320), durationMs: 300 },
    { ...writer, attempt: 2, kind: "tool_call", tool: "nexaas__delegate_researcher", server: null, input: '{"task":"Find order 42"}', output: "No such order.", isError: false, startedAt: at(2800), durationMs: 850 },
    { ...writer, attempt: 2, kind: "turn", text: "", model: "claude-sonnet-4-5", stopReason: "end_turn", usage: usage(1000, 12), costUsd: 0.0032, startedAt: at(3650), durationMs: 350 },
  ];
  for (const step of steps) await recordRunStep(sql, step);
  return runId;
}
