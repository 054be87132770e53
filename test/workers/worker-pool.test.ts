import { describe, expect } from "vitest";
import { createLogger } from "../../controller/log.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import { ExecutionError, type Executor } from "../../controller/workers/executor.js";
import { WorkerPool } from "../../controller/workers/worker-pool.js";
import type { JobOutcome } from "../../controller/workers/run-job.js";
import { backends, backendTest, enqueue, jobRow, runRow } from "../queue/helpers.js";

// The pool end to end on both stores: claim, run through the executor of the event's action type,
// record. On PostgreSQL its claim reads the event with the job (postgres-claim.ts), and completion
// and the event's success are one statement: the same rows must come out as on SQLite.

const at = new Date().toISOString();

async function defineEvent(sql: Sql, name: string, policy: Record<string, unknown> = {}): Promise<void> {
  const spec = { condition: { type: "webhook", secret: "${HOOK_SECRET}" }, action: { type: "script", command: name }, policy };
  await sql.run(
    "INSERT INTO events (name, layer, revision, digest, file, spec, condition_digest, consecutive_failures, created_at, updated_at) VALUES (?, 'workspace', 'r', 'd', ?, ?, 'c', 2, ?, ?)",
    [name, `events/${name}.yaml`, JSON.stringify(spec), at, at],
  );
}

const eventRow = (sql: Sql, name: string) =>
  sql.get<{ consecutive_failures: number; last_run_status: string | null; paused: number; paused_reason: string | null }>(
    "SELECT consecutive_failures, last_run_status, paused, paused_reason FROM events WHERE name = ?",
    [name],
  );

/** A pool of `size` over `sql` whose script executor runs `script` with the action's command; resolves with each job's outcome once `count` have finished. */
function runPool(sql: Sql, size: number, count: number, script: Executor): Promise<Map<number, JobOutcome>> {
  const pool = new WorkerPool(sql, { size, executors: { script }, env: {}, workspaceDir: process.cwd(), log: createLogger({ LOG_LEVEL: "silent" }), pollMs: 20 });
  const outcomes = new Map<number, JobOutcome>();
  return new Promise((resolve, reject) => {
    pool.on("error", reject);
    pool.on("finished", ({ job, outcome }) => {
      outcomes.set(job.jobId, outcome);
      if (outcomes.size === count) void pool.stop(0).then(() => resolve(outcomes), reject);
    });
    pool.start();
  });
}

describe.each(backends)("the worker pool on $name", (backend) => {
  const test = backendTest(backend, "test/workers/worker-pool");

  test("runs each queued job once with its event's action and payload, and records job, run and event", async () => {
    const { sql } = await backend.open();
    await defineEvent(sql, "alpha");
    await defineEvent(sql, "beta");
    const jobs = [];
    for (let i = 0; i < 7; i++) jobs.push(await enqueue(sql, i % 2 ? "alpha" : "beta", { payload: { i } }));
    const seen: string[] = [];
    const outcomes = await runPool(sql, 3, 7, async (ctx) => {
      seen.push(`${String(ctx.action.command)} ${JSON.stringify(ctx.payload)}`);
      return { output: `done ${ctx.runId}` };
    });
    expect([...outcomes.values()].every((o) => o.status === "success")).toBe(true);
    expect(seen.sort()).toEqual(jobs.map((_, i) => `${i % 2 ? "alpha" : "beta"} {"i":${i}}`).sort());
    for (const { jobId, runId } of jobs) {
      expect(await jobRow(sql, jobId)).toMatchObject({ status: "success", attempts: 1, lease_owner: null });
      expect(await runRow(sql, runId)).toMatchObject({ status: "success", attempt: 1, output: `done ${runId}`, error: null });
    }
    expect(await eventRow(sql, "alpha")).toMatchObject({ consecutive_failures: 0, last_run_status: "success" });
  });

  test("never runs two jobs of one concurrency key at once", async () => {
    const { sql } = await backend.open();
    await defineEvent(sql, "serial");
    await defineEvent(sql, "free");
    for (let i = 0; i < 4; i++) await enqueue(sql, "serial", { concurrencyKey: "event:serial", priority: 1 });
    for (let i = 0; i < 4; i++) await enqueue(sql, "free", { priority: 9 });
    let keyed = 0;
    let most = 0;
    const outcomes = await runPool(sql, 4, 8, async (ctx) => {
      if (ctx.action.command !== "serial") return { output: "" };
      most = Math.max(most, ++keyed);
      await new Promise((resolve) => setTimeout(resolve, 5));
      keyed--;
      return { output: "" };
    });
    expect([...outcomes.values()].map((o) => o.status)).toEqual(Array(8).fill("success"));
    expect(most).toBe(1);
  });

  test("a failure with no retry left fails job and run, and pauses the event at pause_after_failures", async () => {
    const { sql } = await backend.open();
    await defineEvent(sql, "broken", { retries: 0, pause_after_failures: 3 });
    const { jobId, runId } = await enqueue(sql, "broken", { maxAttempts: 1 });
    const outcomes = await runPool(sql, 2, 1, () => Promise.reject(new ExecutionError("exit 3", "exit-code")));
    expect(outcomes.get(jobId)).toMatchObject({ status: "failed", error: "exit 3", paused: true });
    expect(await jobRow(sql, jobId)).toMatchObject({ status: "failed", last_error: "exit 3" });
    expect(await runRow(sql, runId)).toMatchObject({ status: "failed", error: "exit 3" });
    expect(await eventRow(sql, "broken")).toMatchObject({ consecutive_failures: 3, last_run_status: "failed", paused: 1 });
  });

  test("a job whose event is gone fails at once, without running", async () => {
    const { sql } = await backend.open();
    const { jobId, runId } = await enqueue(sql, "removed");
    let ran = false;
    const outcomes = await runPool(sql, 2, 1, () => {
      ran = true;
      return Promise.resolve({ output: "" });
    });
    expect(outcomes.get(jobId)).toMatchObject({ status: "failed" });
    expect(ran).toBe(false);
    expect(await runRow(sql, runId)).toMatchObject({ status: "failed", error: "event removed is no longer defined (removed by a reconcile)" });
  });
});
