import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../controller/store/open-database.js";
import { gitWorkspace } from "../support/git-workspace.js";
import { baseWorkspace } from "../support/tree.js";
import { cli, isolateGit, tempDir } from "./helpers.js";

beforeAll(() => isolateGit());

const ping = "condition: {type: interval, expr: 15m}\naction: {type: script, command: ./ping.sh}\n";

async function applied() {
  const ws = gitWorkspace({ ...baseWorkspace, "events/ping.yaml": ping });
  const db = join(tempDir(), "n.db");
  expect((await cli(["apply", "--db", db], ws.dir)).code).toBe(0);
  return { ws, db };
}

describe("pause, resume, runs, usage", () => {
  it("a pause is kept across reconciles until resumed", async () => {
    const { ws, db } = await applied();
    expect((await cli(["pause", "ping", "--reason", "vendor outage", "--db", db], ws.dir)).code).toBe(0);
    ws.commit({ "events/ping.yaml": "description: Changed\n" + ping });
    expect((await cli(["apply", "--db", db], ws.dir)).code).toBe(0);
    const paused = JSON.parse((await cli(["events", "ping", "--db", db, "--json"], ws.dir)).stdout) as Record<string, unknown>;
    expect(paused).toMatchObject({ status: "paused", paused_reason: "vendor outage", description: "Changed" });
    expect((await cli(["resume", "ping", "--db", db], ws.dir)).code).toBe(0);
    expect(JSON.parse((await cli(["events", "ping", "--db", db, "--json"], ws.dir)).stdout)).toMatchObject({ status: "active", paused_reason: null });
    expect((await cli(["pause", "nope", "--db", db], ws.dir)).code).toBe(1);
    expect((await cli(["pause", "--db", db], ws.dir)).code).toBe(2);
  });

  it("runs lists and shows runs with the SPEC keys", async () => {
    const { ws, db } = await applied();
    const store = openDatabase(db);
    const now = "2026-11-23T09:00:00.000Z";
    store.prepare("INSERT INTO event_runs (event_id, scheduled_for, status, attempt, started_at, finished_at, duration_ms, output, error, created_at) VALUES ('ping', ?, 'failed', 3, ?, ?, 120, NULL, 'exit code 2', ?)").run(now, now, now, now);
    store.close();
    const listed = await cli(["runs", "--event", "ping", "--json", "--db", db], ws.dir);
    expect(listed.code, listed.stderr).toBe(0);
    const list = JSON.parse(listed.stdout) as Record<string, unknown>[];
    expect(list).toHaveLength(1);
    expect(Object.keys(list[0] ?? {})).toEqual(expect.arrayContaining(["id", "event_id", "status", "attempt", "scheduled_for", "started_at", "finished_at", "duration_ms", "output", "error"]));
    const one = await cli(["runs", String(list[0]?.id), "--db", db], ws.dir);
    expect(one.stdout).toContain("error: exit code 2");
    expect((await cli(["runs", "999", "--db", db], ws.dir)).code).toBe(1);
    expect((await cli(["runs", "--status", "weird", "--db", db], ws.dir)).code).toBe(2);
  });

  it("usage sums tokens and known costs, and counts unpriced calls apart", async () => {
    const { ws, db } = await applied();
    const store = openDatabase(db);
    const insert = store.prepare("INSERT INTO token_usage (event_id, agent, model, input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens, cost_usd, created_at) VALUES ('ping', 'helper', ?, ?, ?, ?, ?, ?, ?)");
    const today = new Date().toISOString();
    insert.run("claude-sonnet-4-5", 1000, 200, 50, 400, 0.0123, today);
    insert.run("mystery-model", 10, 5, 0, 0, null, today);
    store.close();
    const usage = JSON.parse((await cli(["usage", "--json", "--db", db], ws.dir)).stdout) as {
      total: Record<string, number>;
      by_model: Record<string, unknown>[];
    };
    expect(usage.total).toMatchObject({ input_tokens: 1010, output_tokens: 205, cache_creation_input_tokens: 50, cache_read_input_tokens: 400, cost_usd: 0.0123, unpriced_calls: 1 });
    expect(usage.by_model.map((r) => r.model)).toEqual(["claude-sonnet-4-5", "mystery-model"]);
    expect((await cli(["usage", "--by", "colour", "--db", db], ws.dir)).code).toBe(2);
  });
});
