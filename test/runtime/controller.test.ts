import { once } from "node:events";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { Controller, ControllerLockedError, type ControllerOptions } from "../../controller/controller.js";
import { createLogger } from "../../controller/log.js";
import { claimJob } from "../../controller/queue/claim-job.js";
import { fireDueEvents } from "../../controller/scheduler/fire-due-events.js";
import { openDatabase } from "../../controller/store/open-database.js";
import { openPostgres } from "../../controller/store/open-postgres.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import { sqliteSql } from "../../controller/store/sql/sqlite-sql.js";
import type { WorkerPoolEvents } from "../../controller/workers/worker-pool.js";
import { isolateGit } from "../cli/helpers.js";
import { type BackendName, controllerBackends, openTestStore, startTestController, testOn } from "../support/controller-backends.js";
import { FakeClock } from "../support/fake-clock.js";
import { gitWorkspace } from "../support/git-workspace.js";
import { baseWorkspace, type Tree } from "../support/tree.js";
import { Writable } from "node:stream";
import { startFakeAnthropic } from "../support/fake-anthropic.js";

beforeAll(() => isolateGit());
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.();
});

const t0 = Date.parse("2026-11-23T10:00:00.000Z");
const silent = createLogger({ LOG_LEVEL: "silent" }, new Writable({ write: (_c, _e, cb) => cb() }));

/** A controller on a fresh store of `backend` (issue 16: every case below runs on SQLite and on PostgreSQL). */
async function controllerFor(
  backend: BackendName,
  tree: Tree,
  options: { leaseMs?: number; env?: NodeJS.ProcessEnv; api?: ControllerOptions["api"]; seed?: (sql: Sql) => Promise<unknown> } = {},
) {
  const ws = gitWorkspace({ ...baseWorkspace, ...tree });
  const clock = new FakeClock(t0);
  const env = options.api ? { ...options.env } : { PATH: process.env.PATH, ...options.env };
  const started = await startTestController(
    backend,
    { dir: ws.dir, pollMs: 0, driftCheckMs: 0, env, log: silent, clock, frameworkDir: null, leaseMs: options.leaseMs ?? 60_000, ...(options.api ? { api: options.api } : {}) },
    cleanup,
    options.seed,
  );
  // No grace at the end of a test: a script still running is killed at once (the helper stops it with 0).
  return { ws, ...started };
}

// The pool's events say when a run was claimed, started and finished: tests wait for
// them and move the fake clock by hand, never sleeping (a missing event fails at the test timeout).
type Finished = WorkerPoolEvents["finished"][0];
const finished = (c: Controller): Promise<Finished> => once(c.pool, "finished").then(([f]) => f as Finished);
const started = (c: Controller): Promise<unknown> => once(c.pool, "started");
/** `read` again until `done` holds of its result (every 20 ms, for at most 5 s); the last result. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
const runs = (sql: Sql) => sql.all<Record<string, unknown>>("SELECT event_id, status, attempt, scheduled_for, output, error, trigger FROM event_runs ORDER BY id");

describe("one controller per SQLite database", () => {
  // SQLite only: a file has one owner (its lock row); on PostgreSQL controllers share the database and elect a leader (postgres-controllers.test.ts).
  it("refuses a second controller on the same database", async () => {
    const first = await controllerFor("sqlite", {});
    const db = openDatabase(first.path ?? "");
    cleanup.push(() => {
      db.close();
    });
    const second = new Controller(db, { dir: first.ws.dir, pollMs: 0, driftCheckMs: 0, env: {}, log: silent, clock: first.clock, frameworkDir: null });
    await expect(second.start()).rejects.toBeInstanceOf(ControllerLockedError);
  });
});

describe.each(controllerBackends)("the controller on $name", (backend) => {
  const it = testOn(backend);
  const controllerOn = (tree: Tree, options?: Parameters<typeof controllerFor>[2]) => controllerFor(backend.name, tree, options);

  describe("the controller runs events at their time", () => {
    it("fires an interval event when it is due and records the run", async () => {
      const { sql, clock, controller } = await controllerOn({ "events/hello.yaml": "condition: {type: interval, expr: 1m}\naction: {type: script, command: echo hello from nexaas}\n" });
      expect(await runs(sql)).toEqual([]);
      const done = finished(controller);
      await clock.advance(60_000);
      expect((await done).outcome.status).toBe("success");
      expect(await runs(sql)).toEqual([expect.objectContaining({ event_id: "hello", status: "success", attempt: 1, scheduled_for: "2026-11-23T10:01:00.000Z", trigger: "schedule" })]);
      expect(String((await runs(sql))[0]?.output)).toContain("hello from nexaas");
      expect(await sql.get("SELECT next_fire_at FROM events WHERE name = 'hello'")).toEqual({ next_fire_at: "2026-11-23T10:02:00.000Z" });
    });

    it("retries with backoff, then pauses the event after its failures, with the reason", async () => {
      const { sql, clock, controller } = await controllerOn({
        "events/broken.yaml": "condition: {type: interval, expr: 1m}\naction: {type: script, command: exit 3}\npolicy: {retries: 1, backoff: [10s], pause_after_failures: 1}\n",
      });
      let done = finished(controller);
      await clock.advance(60_000);
      expect((await done).outcome.status).toBe("retry");
      done = finished(controller);
      await clock.advance(12_000); // past the backoff (10s ± 10%): the pool's next poll claims the retry
      const last = await done;
      expect(last.outcome).toMatchObject({ status: "failed", paused: true });
      expect(await runs(sql)).toEqual([expect.objectContaining({ status: "failed", attempt: 2 })]);
      expect(await sql.get("SELECT paused, consecutive_failures, paused_reason FROM events WHERE name = 'broken'")).toMatchObject({
        paused: 1,
        consecutive_failures: 1,
        paused_reason: expect.stringContaining("paused after 1 failed run"),
      });
    });

    it("retries a job whose worker died (its lease lapsed) and finishes it", async () => {
      const { sql, clock, controller } = await controllerOn({ "events/hello.yaml": "condition: {type: interval, expr: 1m}\naction: {type: script, command: echo survived}\n" }, { leaseMs: 5_000 });
      controller.scheduler.stop(); // fire by hand so a dead worker can claim first
      await controller.scheduler.idle();
      await fireDueEvents(sql, new Date(t0 + 60_000));
      const stolen = await claimJob(sql, "worker-that-dies", new Date(t0 + 60_000), 5_000);
      expect(stolen).toBeDefined();
      const done = finished(controller);
      await clock.advance(60_000 + 6_000); // the dead worker's lease lapses; the pool's poll takes the job back
      expect((await done).outcome.status).toBe("success");
      expect(await runs(sql)).toEqual([expect.objectContaining({ status: "success", attempt: 2 })]);
    });
  });

  describe("a due run starts at once", () => {
    it("claims every due run before any of them starts, so no claim waits for another run's spawn", async () => {
      const tick = "condition: {type: interval, expr: 1m}\naction: {type: script, command: \"true\"}\n";
      const { sql, clock, controller } = await controllerOn({ "events/a.yaml": tick, "events/b.yaml": tick, "events/c.yaml": tick });
      const order: string[] = [];
      controller.pool.on("claimed", (job) => order.push(`claimed ${job.eventId}`));
      controller.pool.on("started", (job) => order.push(`started ${job.eventId}`));
      const allFinished = new Promise<void>((resolve) => {
        let left = 3;
        controller.pool.on("finished", () => --left === 0 && resolve());
      });
      await clock.advance(60_000);
      await allFinished;
      expect(order.slice(0, 3)).toEqual(["claimed a", "claimed b", "claimed c"]);
      expect(order.slice(3).sort()).toEqual(["started a", "started b", "started c"]);
      // Claimed within the scheduler's own wake: each run started at its slot, to the millisecond.
      expect(await sql.all("SELECT DISTINCT scheduled_for, started_at FROM event_runs")).toEqual([{ scheduled_for: "2026-11-23T10:01:00.000Z", started_at: "2026-11-23T10:01:00.000Z" }]);
    });
  });

  describe("once events and shutdown", () => {
    it("a once event runs at its time, then is expired", async () => {
      const { sql, clock, controller } = await controllerOn({ "events/reminder.yaml": "condition: {type: once, expr: \"2026-11-23T10:05:00Z\"}\naction: {type: script, command: echo reminded}\n" });
      const done = finished(controller);
      await clock.advance(5 * 60_000);
      expect((await done).outcome.status).toBe("success");
      const { listEvents } = await import("../../controller/store/list-events.js");
      expect(await listEvents(sql, clock.now())).toEqual([expect.objectContaining({ id: "reminder", status: "expired", next_fire_at: null })]);
      // An hour of the scheduler's wakes, each awaited. On PostgreSQL not the pool's polls too: one a second,
      // a transaction each, 3600 of them took 15 s; the scheduler is what would fire the event again.
      if (backend.name === "postgres") clock.settleWith(() => controller.scheduler.idle());
      await clock.advance(3_600_000);
      expect(await runs(sql)).toHaveLength(1);
    });

    it("on stop, a job still running after the grace period is released, to be retried at the next start", async () => {
      const { sql, clock, controller } = await controllerOn({ "events/slow.yaml": "condition: {type: interval, expr: 1m}\naction: {type: script, command: sleep 20}\n" });
      const running = started(controller);
      await clock.advance(60_000);
      await running; // the job is claimed and its process started
      expect(await sql.all("SELECT status FROM job_queue")).toEqual([{ status: "running" }]);
      const stopping = once(controller.pool, "stopping");
      const stopped = controller.stop(100);
      await stopping;
      await clock.advance(100); // the grace period runs out
      await stopped;
      expect(await sql.all("SELECT status, attempts FROM job_queue")).toEqual([{ status: "queued", attempts: 0 }]);
      expect((await runs(sql))[0]).toMatchObject({ status: "queued" });
    });
  });

  describe("overlap: a due run while the last is still running", () => {
    const slow = (overlap: string) => `condition: {type: interval, expr: 1m}\naction: {type: script, command: sleep 30}\npolicy: {overlap: ${overlap}}\n`;
    const statuses = async (sql: Sql) => (await runs(sql)).map((r) => r.status);

    it("skip drops the new slot; queue keeps it waiting; allow runs both", async () => {
      for (const [overlap, expected] of [
        ["skip", ["running"]],
        ["queue", ["running", "queued"]],
        ["allow", ["running", "running"]],
      ] as const) {
        const { sql, clock, controller } = await controllerOn({ "events/slow.yaml": slow(overlap) });
        const running = started(controller);
        await clock.advance(60_000);
        await running;
        // The scheduler fires and the pool claims within advance(): the state is there at once.
        await clock.advance(60_000);
        expect(await statuses(sql), overlap).toEqual(expected);
      }
    });
  });

  describe("flows with a trigger of their own", () => {
    it("runs a flow on its schedule, then the flows that follow it on success, not those waiting for a failure", async () => {
      const { sql, clock, controller } = await controllerOn({
        "flows/fetch.yaml": "trigger: {type: interval, expr: 1m}\nsteps:\n  - {id: get, action: script, command: echo fetched}\n",
        "flows/report.yaml": "trigger: {type: after, flow: fetch, on: success}\nsteps:\n  - {id: say, action: script, command: echo reported}\n",
        "flows/alarm.yaml": "trigger: {type: after, flow: fetch, on: failure}\nsteps:\n  - {id: ring, action: script, command: echo ringing}\n",
      });
      const first = finished(controller);
      await clock.advance(60_000);
      expect((await first).job.eventId).toBe("flow:fetch");
      const second = await finished(controller);
      expect(second).toMatchObject({ job: { eventId: "flow:report" }, outcome: { status: "success" } });
      expect((await runs(sql)).map((r) => `${String(r.event_id)} ${String(r.trigger)} ${String(r.status)}`)).toEqual(["flow:fetch schedule success", "flow:report flow success"]);
    });
  });

  describe("a worker lost on the last attempt", () => {
    it("counts as a failed run toward pause_after_failures", async () => {
      const { sql, clock, controller } = await controllerOn(
        { "events/fragile.yaml": "condition: {type: interval, expr: 1m}\naction: {type: script, command: echo hi}\npolicy: {retries: 0, pause_after_failures: 1}\n" },
        { leaseMs: 5_000 },
      );
      controller.scheduler.stop();
      await controller.scheduler.idle();
      await fireDueEvents(sql, new Date(t0 + 60_000));
      expect(await claimJob(sql, "worker-that-dies", new Date(t0 + 60_000), 5_000)).toBeDefined();
      const lost = once(controller.pool, "lost");
      await clock.advance(60_000 + 6_000); // the pool's poll finds the lapsed lease
      await lost;
      expect(await runs(sql)).toEqual([expect.objectContaining({ status: "failed", error: expect.stringContaining("lost its lease") })]);
      expect(await sql.get("SELECT paused, consecutive_failures FROM events WHERE name = 'fragile'")).toEqual({ paused: 1, consecutive_failures: 1 });
      // The metrics count it as a failed run, though no worker of this pool finished it.
      expect(await controller.metrics.scrape()).toMatch(/nexaas_runs\{event="fragile",status="failed"\} 1\n/);
    });
  });

  describe("the controller's API", () => {
    it("serves on its port with auth, and reports the first reconcile in /metrics", async () => {
      const { controller } = await controllerOn(
        { "events/ping.yaml": "condition: {type: interval, expr: 1h}\naction: {type: script, command: echo pong}\n" },
        { api: { apiKey: "k", port: 0, host: "127.0.0.1", logger: false } },
      );
      const health = await fetch(`${controller.address}/api/health`);
      expect(await health.json()).toMatchObject({ status: "ok", last_result: "applied" });
      const metrics = await (await fetch(`${controller.address}/metrics`, { headers: { authorization: "Bearer k" } })).text();
      expect(metrics).toMatch(/nexaas_reconcile_duration_seconds_count\{result="applied"\} 1/);
      expect((await fetch(`${controller.address}/api/events`)).status).toBe(401);
    });
  });

  describe("the controller's metrics and retention", () => {
    it("counts each run at /metrics as it ends (from the pool, not from the history), and prunes on its retention timer", async () => {
      // History from before this controller: finished long ago, so retention deletes it, and never counted.
      const old = new Date(t0 - 40 * 86_400_000).toISOString();
      const { sql, clock, controller } = await controllerOn(
        { "events/ping.yaml": "condition: {type: interval, expr: 1m}\naction: {type: script, command: echo pong}\n" },
        {
          env: { PATH: process.env.PATH },
          api: { apiKey: "k", port: 0, host: "127.0.0.1", logger: false },
          seed: (store) => store.run("INSERT INTO event_runs (event_id, scheduled_for, status, finished_at, duration_ms, created_at) VALUES ('ping', ?, 'success', ?, 5, ?)", [old, old, old]),
        },
      );
      const scrape = async () => (await fetch(`${controller.address}/metrics`, { headers: { authorization: "Bearer k" } })).text();
      expect(await scrape()).not.toMatch(/nexaas_runs\{event="ping",status="success"\}/);

      const done = finished(controller);
      const pruned = once(controller.retention, "pruned");
      await clock.advance(60_000); // the first slot, and retention's first pass
      expect((await done).outcome.status).toBe("success");
      expect(await pruned).toEqual([expect.objectContaining({ expiredRuns: 1 })]);
      // The controller reads the ended run's row after the pool reports it: on PostgreSQL that read may
      // still be under way at the first scrape (no event marks its end), so the scrape is repeated, bounded.
      const text = await until(scrape, (t) => /nexaas_run_duration_seconds_count\{event="ping"\} 1\n/.test(t));
      expect(text).toMatch(/nexaas_runs\{event="ping",status="success"\} 1\n/);
      expect(text).toMatch(/nexaas_run_duration_seconds_count\{event="ping"\} 1\n/);
      expect(text).toMatch(/nexaas_schedule_lateness_seconds_count\{trigger="schedule"\} 1\n/);
      expect(text).toMatch(/nexaas_queue_jobs\{state="success"\} 1\n/);
      expect(await runs(sql)).toEqual([expect.objectContaining({ event_id: "ping", status: "success", trigger: "schedule" })]);
    });
  });

  describe("each slot runs once", () => {
    it("two schedulers on one database, and a clock stepping back, never fire a slot twice", async () => {
      const first = await openTestStore(backend.name, cleanup);
      const a = first.sql;
      // A second connection to the same database: another SQLite connection to the file, another pool on PostgreSQL.
      let b: Sql;
      if (first.db) {
        const other = openDatabase(first.path ?? "");
        cleanup.push(() => {
          other.close();
        });
        b = sqliteSql(other);
      } else {
        const pool = await openPostgres(first.url ?? "");
        cleanup.push(() => pool.close());
        b = pool;
      }
      const now = new Date(t0).toISOString();
      await a.run(
        `INSERT INTO events (name, layer, revision, digest, file, spec, condition_digest, next_fire_at, created_at, updated_at)
         VALUES ('tick', 'workspace', 'r', 'd', 'events/tick.yaml', ?, 'c', ?, ?, ?)`,
        [JSON.stringify({ condition: { type: "interval", expr: "1m" }, action: { type: "script", command: "true" }, policy: { overlap: "allow" } }), new Date(t0 + 60_000).toISOString(), now, now],
      );
      const slot = new Date(t0 + 60_000);
      expect(await fireDueEvents(a, slot)).toHaveLength(1);
      expect(await fireDueEvents(b, slot)).toHaveLength(0);
      // The clock steps back and the row is rewound as if the advance never happened.
      await a.run("UPDATE events SET next_fire_at = ? WHERE name = 'tick'", [slot.toISOString()]);
      expect(await fireDueEvents(b, new Date(t0 + 60_010))).toHaveLength(0);
      expect(await a.get("SELECT count(*) AS n FROM event_runs")).toEqual({ n: 1 });
    });
  });

  describe("model calls from the controller", () => {
    const chat = "condition: {type: interval, expr: 1m}\naction: {type: claude_chat, prompt: Summarise the night}\n";
    const agent = { "agents/helper/config.yaml": "description: Helps.\nmodel: claude-sonnet-5-5\nmax_tokens: 300\n", "agents/helper/prompt.md": "You are the night-shift helper.\n" };

    it("offline: without ANTHROPIC_API_KEY a claude run fails at once with a clear reason, and the controller goes on", async () => {
      const { sql, clock, controller } = await controllerOn({ ...agent, "events/night.yaml": chat });
      const done = finished(controller);
      await clock.advance(60_000);
      expect((await done).outcome.status).toBe("failed");
      expect(await runs(sql)).toEqual([expect.objectContaining({ status: "failed", attempt: 1, error: expect.stringContaining("ANTHROPIC_API_KEY") })]);
    });

    it("offline: a flow whose step needs ANTHROPIC_API_KEY fails at once too, neither the step nor the job retried", async () => {
      const flow = [
        "condition: {type: interval, expr: 1m}",
        "action:",
        "  type: flow",
        "  steps:",
        "    - {id: fetch, action: script, command: echo stock}",
        "    - {id: summarise, action: claude_chat, prompt: Summarise, retries: 2}",
        "policy: {retries: 3, backoff: [10s]}",
        "",
      ].join("\n");
      const { sql, clock, controller } = await controllerOn({ ...agent, "events/night.yaml": flow });
      const done = finished(controller);
      await clock.advance(60_000);
      expect((await done).outcome.status).toBe("failed");
      const rows = await runs(sql);
      expect(rows).toEqual([expect.objectContaining({ status: "failed", attempt: 1, error: expect.stringContaining("ANTHROPIC_API_KEY") })]);
      expect(await sql.all("SELECT status, attempts FROM job_queue")).toEqual([{ status: "failed", attempts: 1 }]);
      const output = String(rows[0]?.output ?? "") + String(rows[0]?.error ?? "");
      expect(output).not.toMatch(/after \d+ attempts/);
    });

    it("sends prompt.md as system to the agent's model, renders templates, and records exact usage, cache tokens included", async () => {
      const api = await startFakeAnthropic({ replies: [{ text: "All quiet.", usage: { input_tokens: 120, output_tokens: 8, cache_creation_input_tokens: 30, cache_read_input_tokens: 400 } }] });
      cleanup.push(() => api.close());
      const { sql, clock, controller } = await controllerOn(
        { ...agent, "events/night.yaml": chat.replace("Summarise the night", "\"Summarise the night of {{date.today}} for {{event.id}}\"") },
        { env: { ANTHROPIC_API_KEY: "sk-ant-test-key", ANTHROPIC_BASE_URL: api.url } },
      );
      const done = finished(controller);
      await clock.advance(60_000);
      expect((await done).outcome.status).toBe("success");
      const body = api.requests[0]?.body as { system?: unknown; model?: string; max_tokens?: number };
      expect(JSON.stringify(body.system)).toContain("You are the night-shift helper.");
      expect(body).toMatchObject({ model: "claude-sonnet-5-5", max_tokens: 300 });
      expect((await runs(sql))[0]).toMatchObject({ status: "success", output: "All quiet." });
      expect(await sql.all("SELECT event_id, agent, model, input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens FROM token_usage")).toEqual([
        { event_id: "night", agent: "helper", model: "claude-sonnet-5-5", input_tokens: 120, output_tokens: 8, cache_creation_input_tokens: 30, cache_read_input_tokens: 400 },
      ]);
      expect(JSON.stringify(api.requests[0]?.body)).toContain("Summarise the night of 2026-11-23 for night");
      const everything = JSON.stringify(await sql.all("SELECT * FROM token_usage")) + JSON.stringify(await runs(sql));
      expect(everything).not.toContain("sk-ant-test-key");
    });
  });
});
