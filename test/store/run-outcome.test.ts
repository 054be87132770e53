import { describe, expect } from "vitest";
import { claimJob } from "../../controller/queue/claim-job.js";
import { completeJobAndRecord } from "../../controller/queue/complete-job.js";
import { enqueueRun } from "../../controller/queue/enqueue-run.js";
import { recordRunOutcome } from "../../controller/store/record-run-outcome.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import { insertEvent } from "../../controller/store/write-event.js";
import { backendTest, storeBackends } from "../support/store-backends.js";
import { at, cronEvent } from "./helpers.js";

const t0 = at("2026-12-03T08:00:00.000Z");
const after = (ms: number): Date => new Date(t0.getTime() + ms);

const eventState = (sql: Sql) =>
  sql.get<{ consecutive_failures: number; last_run_status: string | null; last_run_at: string | null }>(
    "SELECT consecutive_failures, last_run_status, last_run_at FROM events WHERE name = 'busy'",
  );

describe.each(storeBackends)("an event's last run on $name", (backend) => {
  const it = backendTest(backend, "test/store/run-outcome");

  it("a busy event's successes stamp its last run at most once a second; a failure and the success after it, at once", async () => {
    const sql = await backend.open();
    await insertEvent(sql, cronEvent("busy"), "rev1", t0, after(3_600_000));
    const success = (ms: number) => recordRunOutcome(sql, "busy", { success: true, at: after(ms), pauseAfter: 0 });

    await success(0);
    expect(await eventState(sql)).toEqual({ consecutive_failures: 0, last_run_status: "success", last_run_at: "2026-12-03T08:00:00.000Z" });
    // Within the second: the row already says so; it is not written again.
    await success(400);
    expect((await eventState(sql))?.last_run_at).toBe("2026-12-03T08:00:00.000Z");
    await success(1_500);
    expect((await eventState(sql))?.last_run_at).toBe("2026-12-03T08:00:01.500Z");

    await recordRunOutcome(sql, "busy", { success: false, at: after(1_600), pauseAfter: 3, error: "boom" });
    expect(await eventState(sql)).toEqual({ consecutive_failures: 1, last_run_status: "failed", last_run_at: "2026-12-03T08:00:01.600Z" });
    // A success right after a failure changes the row's state: written at once.
    await success(1_700);
    expect(await eventState(sql)).toEqual({ consecutive_failures: 0, last_run_status: "success", last_run_at: "2026-12-03T08:00:01.700Z" });
  });

  it("the worker's completion (one statement on PostgreSQL) follows the same rule", async () => {
    const sql = await backend.open();
    await insertEvent(sql, cronEvent("busy"), "rev1", t0, after(3_600_000));
    await sql.run("UPDATE events SET consecutive_failures = 2, last_run_status = 'failed' WHERE name = 'busy'");
    for (let i = 0; i < 3; i++) await enqueueRun(sql, { eventId: "busy", scheduledFor: t0, trigger: "manual", runAt: t0, priority: 5, maxAttempts: 1 }, t0);
    const complete = async (ms: number) => {
      const job = await claimJob(sql, "worker-1", after(ms), 60_000);
      if (!job) throw new Error("no job to claim");
      expect(await completeJobAndRecord(sql, job, "worker-1", () => after(ms), { output: "ok", durationMs: 1 })).toBe(true);
    };

    await complete(0);
    expect(await eventState(sql)).toEqual({ consecutive_failures: 0, last_run_status: "success", last_run_at: "2026-12-03T08:00:00.000Z" });
    await complete(999);
    expect((await eventState(sql))?.last_run_at).toBe("2026-12-03T08:00:00.000Z");
    await complete(1_000);
    expect((await eventState(sql))?.last_run_at).toBe("2026-12-03T08:00:01.000Z");
    // Every run is recorded whatever the event's row says.
    expect(await sql.all("SELECT status FROM event_runs ORDER BY id")).toEqual([{ status: "success" }, { status: "success" }, { status: "success" }]);
  });
});

describe.each(storeBackends)("completions at once on $name", (backend) => {
  const it = backendTest(backend, "test/store/run-outcome");

  it("many completions at once, of two events, each recorded once; one whose lease was taken is dropped, the others kept", async () => {
    const sql = await backend.open();
    for (const name of ["busy", "other"]) await insertEvent(sql, cronEvent(name), "rev1", t0, after(3_600_000));
    for (let i = 0; i < 30; i++) await enqueueRun(sql, { eventId: i % 3 ? "busy" : "other", scheduledFor: t0, trigger: "manual", runAt: t0, priority: 5, maxAttempts: 1 }, t0);
    const jobs = [];
    for (let i = 0; i < 30; i++) {
      const job = await claimJob(sql, "worker-1", t0, 60_000);
      if (!job) throw new Error("no job to claim");
      jobs.push(job);
    }
    // Its lease lapsed and another worker took it: worker-1's result for it must not count.
    const lost = jobs[7];
    await sql.run("UPDATE job_queue SET lease_owner = 'worker-2' WHERE id = ?", [lost?.jobId]);

    const held = await Promise.all(jobs.map((job, i) => completeJobAndRecord(sql, job, "worker-1", () => after(10 + i), { output: `out ${i}`, durationMs: i })));
    expect(held.filter((h) => !h)).toHaveLength(1);
    expect(held[7]).toBe(false);
    const runs = await sql.all<{ id: number; status: string; output: string | null; duration_ms: number | null }>("SELECT id, status, output, duration_ms FROM event_runs ORDER BY id");
    expect(runs.filter((r) => r.status === "success")).toHaveLength(29);
    // Each run got its own job's result.
    for (const [i, job] of jobs.entries()) {
      const run = runs.find((r) => r.id === job.runId);
      if (i === 7) expect(run?.status).toBe("running");
      else expect(run).toMatchObject({ status: "success", output: `out ${i}`, duration_ms: i });
    }
    expect(await sql.get("SELECT status, lease_owner FROM job_queue WHERE id = ?", [lost?.jobId])).toEqual({ status: "running", lease_owner: "worker-2" });
    expect(await sql.all("SELECT name, consecutive_failures, last_run_status FROM events ORDER BY name")).toEqual([
      { name: "busy", consecutive_failures: 0, last_run_status: "success" },
      { name: "other", consecutive_failures: 0, last_run_status: "success" },
    ]);
  });
});

describe.each(storeBackends)("a completion's own fault, or its own transaction, on $name", (backend) => {
  const it = backendTest(backend, "test/store/run-outcome");

  /** `n` runs of `busy`, queued and claimed by worker-1. */
  async function claimed(sql: Sql, n: number) {
    await insertEvent(sql, cronEvent("busy"), "rev1", t0, after(3_600_000));
    for (let i = 0; i < n; i++) await enqueueRun(sql, { eventId: "busy", scheduledFor: t0, trigger: "manual", runAt: t0, priority: 5, maxAttempts: 1 }, t0);
    const jobs = [];
    for (let i = 0; i < n; i++) {
      const job = await claimJob(sql, "worker-1", t0, 60_000);
      if (!job) throw new Error("no job to claim");
      jobs.push(job);
    }
    return jobs;
  }

  it("one completion that cannot be stored fails alone; the others made with it are recorded", async () => {
    const sql = await backend.open();
    const jobs = await claimed(sql, 6);
    const outcomes = await Promise.allSettled(
      jobs.map((job, i) => completeJobAndRecord(sql, job, "worker-1", () => after(i), { output: `out ${i}`, durationMs: i === 3 ? Number.NaN : i })),
    );
    const statuses = await sql.all<{ status: string }>("SELECT status FROM event_runs ORDER BY id");
    if (backend.name === "postgres") {
      // A duration that is not a number is refused by PostgreSQL's bigint column: that completion only.
      expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "rejected", "fulfilled", "fulfilled"]);
      expect(statuses.map((r) => r.status)).toEqual(["success", "success", "success", "running", "success", "success"]);
    } else {
      expect(outcomes.every((o) => o.status === "fulfilled")).toBe(true);
    }
  });

  it("output holding NUL (a script's binary output) is recorded; PostgreSQL, whose text cannot hold it, stores U+FFFD in its place", async () => {
    const sql = await backend.open();
    const [job] = await claimed(sql, 1);
    if (!job) throw new Error("no job");
    expect(await completeJobAndRecord(sql, job, "worker-1", () => t0, { output: "a\u0000b", durationMs: 1 })).toBe(true);
    expect(await sql.get("SELECT status, output FROM event_runs")).toEqual({ status: "success", output: backend.name === "postgres" ? "a\uFFFDb" : "a\u0000b" });
  });

  it("a completion made inside a transaction is that transaction's: rolled back with it, and the others made meanwhile are not", async () => {
    const sql = await backend.open();
    const [inside, ...outside] = await claimed(sql, 4);
    if (!inside) throw new Error("no job");
    const complete = (job: typeof inside) => completeJobAndRecord(sql, job, "worker-1", () => t0, { output: "done", durationMs: 1 });
    let mineSent = (): void => undefined;
    const sent = new Promise<void>((resolve) => (mineSent = resolve));
    // Made from outside the transaction once its completion is under way (PostgreSQL: on the pool
    // meanwhile; SQLite: queued behind the transaction).
    const others = (async () => {
      await sent;
      return Promise.all(outside.map(complete));
    })();
    await expect(
      sql.transaction(async () => {
        const mine = complete(inside);
        mineSent();
        expect(await mine).toBe(true);
        throw new Error("undo");
      }),
    ).rejects.toThrow("undo");
    expect(await others).toEqual([true, true, true]);
    const runs = await sql.all<{ id: number; status: string }>("SELECT id, status FROM event_runs ORDER BY id");
    expect(runs.map((r) => r.status)).toEqual(["running", "success", "success", "success"]);
  });
});
