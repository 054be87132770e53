// The worker pool on both store backends (issue 16): claim, run, retry, pause, flows after a flow, a
// lost lease and the release at stop, through Sql, as the controller wires it (the controller's own
// tests, test/runtime, drive it on SQLite). The fake clock moves by hand; the pool's events say when
// a job was claimed, started and finished.
import { once } from "node:events";
import { Writable } from "node:stream";
import { afterEach, describe, expect } from "vitest";
import { defaultExecutors } from "../../controller/workers/executors/default-executors.js";
import { createLogger } from "../../controller/log.js";
import { claimJob } from "../../controller/queue/claim-job.js";
import { reconcile } from "../../controller/reconcile/reconcile.js";
import { fireDueEvents } from "../../controller/scheduler/fire-due-events.js";
import { readEndedRun } from "../../controller/store/ended-run.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import { WorkerPool, type WorkerPoolEvents } from "../../controller/workers/worker-pool.js";
import { FakeClock } from "../support/fake-clock.js";
import { backendTest, storeBackends } from "../support/store-backends.js";
import { baseWorkspace, type Tree, writeTree } from "../support/tree.js";
import { tempDir } from "./helpers.js";

const t0 = Date.parse("2026-11-23T10:00:00.000Z");
const minute = 60_000;
const silent = createLogger({ LOG_LEVEL: "silent" }, new Writable({ write: (_c, _e, cb) => cb() }));

// Registered after the store's own afterEach (imported above), so run before it: the pool stops
// (a script still running is killed at once) before its store is closed.
const pools: WorkerPool[] = [];
afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.stop(0);
});

type Finished = WorkerPoolEvents["finished"][0];
const finished = (pool: WorkerPool): Promise<Finished> => once(pool, "finished").then(([f]) => f as Finished);

interface RunRow {
  event_id: string;
  trigger: string;
  status: string;
  attempt: number;
  output: string | null;
  error: string | null;
}
/**
 * Moves the clock `ms` forward a poll (1 s) at a time, each step's fill (recovery, claims) ended
 * before the next, as on the real clock. FakeClock.advance alone lets a timer's work run for one
 * turn of the event loop: enough for SQLite's statements, not for PostgreSQL's round trips, so a
 * fill would still be under way when the advance ends and its next poll armed past it.
 */
async function advance(clock: FakeClock, pool: WorkerPool, ms: number): Promise<void> {
  for (let left = ms; left > 0; left -= 1000) {
    await clock.advance(Math.min(1000, left));
    await pool.idle();
  }
}

const runs = (sql: Sql): Promise<RunRow[]> => sql.all<RunRow>("SELECT event_id, trigger, status, attempt, output, error FROM event_runs ORDER BY id");
const eventState = (sql: Sql, name: string) =>
  sql.get<{ paused: number; consecutive_failures: number; paused_reason: string | null; last_run_status: string | null }>(
    "SELECT paused, consecutive_failures, paused_reason, last_run_status FROM events WHERE name = ?",
    [name],
  );

describe.each(storeBackends)("the worker pool on $name", (backend) => {
  const it = backendTest(backend, "test/workers/worker-pool");

  /** A store with `tree` applied at t0, its due runs queued at `at`, and a pool over it (not started) with the clock at `at`. */
  async function poolFor(tree: Tree, options: { at?: number; size?: number; leaseMs?: number } = {}) {
    const sql = await backend.open();
    const dir = tempDir();
    writeTree(dir, { ...baseWorkspace, ...tree });
    const applied = await reconcile(sql, { dir, source: "worktree", frameworkDir: null, now: new Date(t0) });
    expect(applied.result).toBe("applied");
    const at = options.at ?? t0 + minute;
    const clock = new FakeClock(at);
    await fireDueEvents(sql, new Date(at));
    const pool = new WorkerPool(sql, {
      size: options.size ?? 3,
      leaseMs: options.leaseMs ?? 60_000,
      executors: defaultExecutors(),
      env: { PATH: process.env.PATH },
      workspaceDir: dir,
      log: silent,
      clock,
    });
    const errors: Error[] = [];
    pool.on("error", (error) => errors.push(error));
    pools.push(pool);
    return { sql, clock, pool, errors };
  }

  it("runs a due job and records the run, its success and the event's state", async () => {
    const { sql, pool, errors } = await poolFor({ "events/hello.yaml": "condition: {type: interval, expr: 1m}\naction: {type: script, command: echo hello from nexaas}\n" });
    const done = finished(pool);
    pool.start();
    const { job, outcome } = await done;
    // The outcome says what was recorded, so the controller need not read it back for its metrics.
    expect(outcome).toEqual({ status: "success", ended: { startedAt: "2026-11-23T10:01:00.000Z", durationMs: 0 } });
    expect(await runs(sql)).toEqual([{ event_id: "hello", trigger: "schedule", status: "success", attempt: 1, output: "hello from nexaas\n", error: null }]);
    expect(await eventState(sql, "hello")).toMatchObject({ paused: 0, consecutive_failures: 0, last_run_status: "success" });
    // What the controller reads for its metrics when an outcome does not say: the same.
    expect(await readEndedRun(sql, job.runId)).toEqual({
      event_id: "hello",
      status: "success",
      trigger: "schedule",
      scheduled_for: "2026-11-23T10:01:00.000Z",
      started_at: "2026-11-23T10:01:00.000Z",
      duration_ms: 0,
    });
    expect(errors).toEqual([]);
  });

  it("claims no more than its size at once, and runs the rest as workers free up", async () => {
    const tree: Tree = {};
    for (const name of ["a", "b", "c", "d"]) tree[`events/${name}.yaml`] = `condition: {type: interval, expr: 1m}\naction: {type: script, command: echo ${name}}\n`;
    const { sql, pool, errors } = await poolFor(tree, { size: 2 });
    const claimed: string[] = [];
    pool.on("claimed", (job) => claimed.push(job.eventId));
    const ended: Finished[] = [];
    const all = new Promise<void>((done) =>
      pool.on("finished", (f) => {
        ended.push(f);
        if (ended.length === 4) done();
      }),
    );
    pool.start();
    await pool.idle();
    expect(claimed).toHaveLength(2);
    await all;
    expect(ended.map((f) => f.outcome.status)).toEqual(["success", "success", "success", "success"]);
    expect(claimed.sort()).toEqual(["a", "b", "c", "d"]);
    expect((await runs(sql)).map((r) => `${r.event_id} ${r.status} ${r.output ?? ""}`)).toEqual(["a success a\n", "b success b\n", "c success c\n", "d success d\n"]);
    expect(errors).toEqual([]);
  });

  it("retries with backoff, then fails for good and pauses the event, with the reason", async () => {
    const { sql, clock, pool, errors } = await poolFor({
      "events/broken.yaml": "condition: {type: interval, expr: 1m}\naction: {type: script, command: echo nope >&2; exit 3}\npolicy: {retries: 1, backoff: [10s], pause_after_failures: 1}\n",
    });
    const first = finished(pool);
    pool.start();
    expect((await first).outcome).toMatchObject({ status: "retry", error: expect.stringContaining("exited with code 3") });
    expect(await eventState(sql, "broken")).toMatchObject({ paused: 0, consecutive_failures: 0 });
    const second = finished(pool);
    await advance(clock, pool, 12_000); // past the backoff (10s ± 10%): a poll claims the retry
    expect((await second).outcome).toMatchObject({ status: "failed", paused: true });
    expect(await runs(sql)).toEqual([expect.objectContaining({ event_id: "broken", status: "failed", attempt: 2, error: expect.stringContaining("nope") })]);
    expect(await eventState(sql, "broken")).toMatchObject({ paused: 1, consecutive_failures: 1, last_run_status: "failed", paused_reason: expect.stringContaining("paused after 1 failed runs in a row") });
    expect(errors).toEqual([]);
  });

  it("queues the flows that follow a flow on success, not those waiting for a failure", async () => {
    const { sql, pool, errors } = await poolFor({
      "flows/fetch.yaml": "trigger: {type: interval, expr: 1m}\nsteps:\n  - {id: get, action: script, command: echo fetched}\n",
      "flows/report.yaml": "trigger: {type: after, flow: fetch, on: success}\nsteps:\n  - {id: say, action: script, command: echo reported}\n",
      "flows/alarm.yaml": "trigger: {type: after, flow: fetch, on: failure}\nsteps:\n  - {id: ring, action: script, command: echo ringing}\n",
      "flows/always.yaml": "trigger: {type: after, flow: fetch, on: always}\nsteps:\n  - {id: log, action: script, command: echo logged}\n",
    });
    const ended: Finished[] = [];
    const three = new Promise<void>((done) =>
      pool.on("finished", (f) => {
        ended.push(f);
        if (ended.length === 3) done();
      }),
    );
    pool.start();
    await three;
    expect(ended[0]?.job.eventId).toBe("flow:fetch");
    expect(ended.map((f) => `${f.job.eventId} ${f.outcome.status}`).slice(1).sort()).toEqual(["flow:always success", "flow:report success"]);
    expect((await runs(sql)).map((r) => `${r.event_id} ${r.trigger} ${r.status}`)).toEqual(["flow:fetch schedule success", "flow:always flow success", "flow:report flow success"]);
    expect(errors).toEqual([]);
  });

  it("counts a job whose worker lost the lease on its last attempt as a failed run toward pause_after_failures", async () => {
    const { sql, clock, pool, errors } = await poolFor(
      { "events/fragile.yaml": "condition: {type: interval, expr: 1m}\naction: {type: script, command: echo hi}\npolicy: {retries: 0, pause_after_failures: 1}\n" },
      { leaseMs: 5_000 },
    );
    expect(await claimJob(sql, "worker-that-dies", clock.now(), 5_000)).toBeDefined();
    pool.start();
    await pool.idle();
    const lost = once(pool, "lost");
    await advance(clock, pool, 6_000); // the pool's poll finds the lapsed lease
    await lost;
    expect(await runs(sql)).toEqual([expect.objectContaining({ status: "failed", error: expect.stringContaining("lost its lease") })]);
    expect(await eventState(sql, "fragile")).toMatchObject({ paused: 1, consecutive_failures: 1 });
    expect(errors).toEqual([]);
  });

  it("on stop, a job still running after the grace period is released, to be retried at the next start", async () => {
    const { sql, clock, pool, errors } = await poolFor({ "events/slow.yaml": "condition: {type: interval, expr: 1m}\naction: {type: script, command: sleep 20}\n" });
    const running = once(pool, "started");
    pool.start();
    await running;
    expect(await sql.all("SELECT status FROM job_queue")).toEqual([{ status: "running" }]);
    const stopping = once(pool, "stopping");
    const stopped = pool.stop(100);
    await stopping;
    await clock.advance(100); // the grace period runs out
    await stopped;
    expect(await sql.all("SELECT status, attempts FROM job_queue")).toEqual([{ status: "queued", attempts: 0 }]);
    expect((await runs(sql))[0]).toMatchObject({ status: "queued" });
    expect(errors).toEqual([]);
  });
});
