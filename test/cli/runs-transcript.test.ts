import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../controller/store/open-database.js";
import { sqliteSql } from "../../controller/store/sql/sqlite-sql.js";
import { gitWorkspace } from "../support/git-workspace.js";
import { hostileOutput, longInput, seededOrder, seedTranscript } from "../support/run-transcript.js";
import { baseWorkspace } from "../support/tree.js";
import { cli, isolateGit, tempDir } from "./helpers.js";

beforeAll(() => isolateGit());

async function runWithTranscript() {
  const ws = gitWorkspace({ ...baseWorkspace, "events/ping.yaml": "condition: {type: interval, expr: 15m}\naction: {type: script, command: ./ping.sh}\n" });
  const db = join(tempDir(), "n.db");
  expect((await cli(["apply", "--db", db], ws.dir)).code).toBe(0);
  const store = openDatabase(db);
  const runId = await seedTranscript(sqliteSql(store), "ping");
  store.close();
  return { ws, db, runId };
}

describe("nexaas runs RUN with a transcript", () => {
  it("prints each attempt's turns and tool calls, sub-agents indented, input on one line and the output's first lines", async () => {
    const { ws, db, runId } = await runWithTranscript();
    const shown = await cli(["runs", String(runId), "--db", db], ws.dir);
    expect(shown.code, shown.stderr).toBe(0);
    const cutInput = `${longInput.slice(0, 199)}…`;
    expect(shown.stdout).toBe(
      [
        `#${runId} ping success (attempt 2, schedule) for 2026-11-23T09:00:00.000Z`,
        "  started 2026-11-23T09:00:00.000Z, finished 2026-11-23T09:00:04.000Z, 4000 ms",
        "  stop reason: end_turn",
        "  output:",
        "    No order 42.",
        "  transcript, attempt 1:",
        "     1. turn  writer  claude-sonnet-4-5  stop tool_use  tokens 1200 in, 80 out, 300 cache read  $0.0123  1500 ms",
        "          text:  Reading the stock file.",
        "     2. tool  writer  mcp__files__read_file  server files  ok  35 ms",
        '          input:  {"path":"scripts/stock-sample.csv"}',
        "          output: sku,qty",
        "                  A1,3",
        "  transcript, attempt 2:",
        "     1. turn  writer  claude-sonnet-4-5  stop tool_use  tokens 900 in, 60 out  $0.0036  800 ms",
        "       2. turn  researcher  claude-haiku-4-5  stop tool_use  tokens 300 in, 20 out  cost unknown  400 ms",
        "       3. tool  researcher  mcp__shop__lookup_order  server shop  error  120 ms",
        `            input:  ${cutInput}`,
        "            output: order 42: <script>alert(1)</script>",
        "                    \\u001b[31mred\\u001b[0m",
        "                    line 3",
        "                    line 4",
        "                    line 5",
        "                    … 2 more lines",
        "       4. turn  researcher  claude-haiku-4-5  stop end_turn  tokens 400 in, 10 out  cost unknown  300 ms",
        "     5. tool  writer  nexaas__delegate_researcher  built-in  ok  850 ms",
        '          input:  {"task":"Find order 42"}',
        "          output: No such order.",
        "     6. turn  writer  claude-sonnet-4-5  stop end_turn  tokens 1000 in, 12 out  $0.0032  350 ms",
        "",
      ].join("\n"),
    );
    // A terminal escape sequence from a tool's output is shown, never sent to the terminal.
    expect(shown.stdout).not.toContain("\u001b");
  });

  it("--json gives the run's stop_reason and every step whole, in run_steps' column names, is_error a boolean", async () => {
    const { ws, db, runId } = await runWithTranscript();
    const shown = await cli(["runs", String(runId), "--json", "--db", db], ws.dir);
    expect(shown.code, shown.stderr).toBe(0);
    const run = JSON.parse(shown.stdout) as { stop_reason: string; steps: Record<string, unknown>[] };
    expect(run.stop_reason).toBe("end_turn");
    expect(run.steps).toHaveLength(8);
    expect(run.steps.map((s) => [s.attempt, s.seq, s.kind, s.agent, s.depth])).toEqual(seededOrder);
    expect(Object.keys(run.steps[0] ?? {}).sort()).toEqual(
      ["attempt", "seq", "kind", "agent", "depth", "model", "stop_reason", "input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens", "cost_usd", "tool", "server", "input", "output", "is_error", "duration_ms", "started_at"].sort(),
    );
    expect(run.steps[0]).toMatchObject({ model: "claude-sonnet-4-5", stop_reason: "tool_use", input_tokens: 1200, output_tokens: 80, cache_read_input_tokens: 300, cost_usd: 0.0123, tool: null, is_error: null, duration_ms: 1500, started_at: "2026-11-23T09:00:00.000Z" });
    expect(run.steps[4]).toMatchObject({ tool: "mcp__shop__lookup_order", server: "shop", input: longInput, output: hostileOutput, is_error: true, model: null });
    expect(run.steps[6]).toMatchObject({ tool: "nexaas__delegate_researcher", server: null, is_error: false });
  });

  it("shows no transcript for a run without steps, and lists runs with their stop_reason", async () => {
    const { ws, db, runId } = await runWithTranscript();
    const store = openDatabase(db);
    const plain = Number(store.prepare("INSERT INTO event_runs (event_id, scheduled_for, status, created_at) VALUES ('ping', '2026-11-23T10:00:00.000Z', 'queued', '2026-11-23T10:00:00.000Z')").run().lastInsertRowid);
    store.close();
    const shown = await cli(["runs", String(plain), "--db", db], ws.dir);
    expect(shown.stdout).not.toContain("transcript");
    expect(shown.stdout).not.toContain("stop reason");
    expect(JSON.parse((await cli(["runs", String(plain), "--json", "--db", db], ws.dir)).stdout)).toMatchObject({ stop_reason: null, steps: [] });
    const listed = JSON.parse((await cli(["runs", "--json", "--db", db], ws.dir)).stdout) as Record<string, unknown>[];
    expect(listed.map((r) => [r.id, r.stop_reason])).toEqual([[plain, null], [runId, "end_turn"]]);
    expect(listed[0]).not.toHaveProperty("steps");
  });
});
