// One attempt (runJob) on both store backends (issue 16): an attempt cut off by its timeout records
// its outcome once its action has wound down, and an action that ignores its signal still cannot hold
// the worker past the grace.
import { describe, expect } from "vitest";
import { objectDigest } from "../../controller/definitions/canonical-json.js";
import { resolveEvent } from "../../controller/definitions/resolved-event.js";
import { createLogger } from "../../controller/log.js";
import { claimJob } from "../../controller/queue/claim-job.js";
import { queueRun } from "../../controller/queue/queue-run.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import { insertEvent } from "../../controller/store/write-event.js";
import type { Executor } from "../../controller/workers/executor.js";
import { runJob, settleGraceMs, type JobOutcome } from "../../controller/workers/run-job.js";
import { FakeClock } from "../support/fake-clock.js";
import { backendTest, storeBackends } from "../support/store-backends.js";
import { tempDir } from "./helpers.js";

const t0 = Date.parse("2026-11-23T10:00:00.000Z");

/** An event `e` with a 1 s timeout and no retry, queued and claimed; then its attempt, `slow` as the script executor, once started. */
async function attempt(sql: Sql, clock: FakeClock, slow: Executor, shutdown = new AbortController().signal): Promise<{ outcome: Promise<JobOutcome> }> {
  let started = (): void => undefined;
  const running = new Promise<void>((done) => (started = done));
  const spec = resolveEvent({ condition: { type: "interval", expr: "1h" }, action: { type: "script", command: "true" }, policy: { retries: 0, timeout: "1s" } });
  const stored = { ...spec };
  await insertEvent(sql, { kind: "event", name: "e", layer: "workspace", file: "events/e.yaml", spec: stored, digest: objectDigest("workspace", stored) }, "rev", clock.now(), null);
  await queueRun(sql, { event: { name: "e", spec }, trigger: "manual", scheduledFor: clock.now() }, clock.now());
  const job = await claimJob(sql, "w1", clock.now(), 60_000);
  if (!job) throw new Error("nothing to claim");
  const outcome = runJob(job, {
    sql,
    workerId: "w1",
    clock,
    leaseMs: 60_000,
    executors: { script: slow },
    env: {},
    workspaceDir: tempDir(),
    log: createLogger({ LOG_LEVEL: "silent" }),
    shutdown,
    onStarted: () => started(),
  });
  if (shutdown.aborted) return { outcome };
  // Its timeout is armed on the clock once the event is read: on PostgreSQL, a round trip after the call.
  await running;
  return { outcome };
}

const settledYet = (p: Promise<unknown>): Promise<boolean> => Promise.race([p.then(() => true), new Promise<boolean>((done) => setTimeout(() => done(false), 50))]);

describe.each(storeBackends)("an attempt cut off by its timeout on $name", (backend) => {
  const it = backendTest(backend, "test/workers/run-job");

  it("records the outcome after the action's own last write", async () => {
    const sql = await backend.open();
    const clock = new FakeClock(t0);
    const slow: Executor = (ctx) =>
      new Promise((_, reject) =>
        ctx.signal.addEventListener("abort", () => {
          // Winding down takes a while (a process group's kill), then the action writes once more.
          setTimeout(() => void sql.run("UPDATE event_runs SET stop_reason = 'timeout' WHERE id = ?", [ctx.runId]).then(() => reject(ctx.signal.reason as Error), reject), 100);
        }),
      );
    const { outcome } = await attempt(sql, clock, slow);
    await clock.advance(1_000);
    expect(await outcome).toMatchObject({ status: "failed", error: "timed out after 1s" });
    expect(await sql.get("SELECT status, stop_reason FROM event_runs")).toEqual({ status: "failed", stop_reason: "timeout" });
  });

  it("does not wait past the grace for an action that ignores its signal", async () => {
    const sql = await backend.open();
    const clock = new FakeClock(t0);
    const { outcome } = await attempt(sql, clock, () => new Promise(() => {}));
    await clock.advance(1_000);
    expect(await settledYet(outcome)).toBe(false);
    await clock.advance(settleGraceMs);
    expect(await outcome).toMatchObject({ status: "failed", error: "timed out after 1s" });
    expect(await sql.get("SELECT status FROM event_runs")).toEqual({ status: "failed" });
  });
});

describe.each(storeBackends)("an attempt after the shutdown on $name", (backend) => {
  const it = backendTest(backend, "test/workers/run-job");

  it("is released without its action starting when the controller stopped (no grace) before it began", async () => {
    const sql = await backend.open();
    const clock = new FakeClock(t0);
    const stopped = new AbortController();
    stopped.abort(new Error("controller stopping"));
    let called = false;
    const { outcome } = await attempt(sql, clock, () => ((called = true), Promise.resolve({ output: "ran" })), stopped.signal);
    expect(await outcome).toEqual({ status: "released" });
    expect(called).toBe(false);
    expect(await sql.get("SELECT status, output FROM event_runs")).toEqual({ status: "running", output: null });
  });
});
