import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect } from "vitest";
import { resolveEvent } from "../../controller/definitions/resolved-event.js";
import { activeJobs } from "../../controller/queue/queue-depth.js";
import { claimJob, type ClaimedJob } from "../../controller/queue/claim-job.js";
import { completeJob } from "../../controller/queue/complete-job.js";
import { failJob } from "../../controller/queue/fail-job.js";
import { queueRun } from "../../controller/queue/queue-run.js";
import { recoverExpiredLeases } from "../../controller/queue/recover-expired-leases.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import { after, backends, backendTest, enqueue, jobRow, rowCount, runRow, t0 } from "./helpers.js";

// Several controllers on one database at once: PostgreSQL only. There each
// controller is a pool of its own (another process, in production), and their
// transactions truly interleave. On SQLite one controller owns the file, and
// its IMMEDIATE transactions run one after the other (claim-job.test.ts has
// two connections taking turns, and the SQLITE_BUSY case).
const postgres = backends.filter((b) => b.name === "postgres");
const lease = 60_000;

/** Claims a job in a transaction left open (uncommitted, its locks held) until `commit`; resolves once claimed. */
async function claimHeldOpen(sql: Sql): Promise<{ commit(): Promise<number | undefined> }> {
  let claimed = () => {};
  const taken = new Promise<void>((resolve) => (claimed = resolve));
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const done = sql.transaction(async (tx) => {
    const job = await claimJob(tx, "a", t0, lease);
    claimed();
    await gate;
    return job?.jobId;
  });
  await taken;
  return {
    commit: () => {
      release();
      return done;
    },
  };
}

describe.each(postgres)("several controllers claiming at once on $name", (backend) => {
  const test = backendTest(backend, "test/queue/claim-concurrency");

  test("4 controllers drain 200 jobs: each claimed exactly once, never two running jobs of one key", async () => {
    const store = await backend.open();
    const controllers = [store.sql, ...(await Promise.all([1, 2, 3].map(() => store.connect())))];
    const keys = ["digest", "backup", "report", "sync"];
    for (let i = 0; i < 200; i++) {
      // 80 keyed jobs (20 per key), the rest free; priorities mixed so the keyed ones are not all last.
      await enqueue(store.sql, `event-${i % 13}`, { priority: i % 3, ...(i % 5 < 2 ? { concurrencyKey: keys[i % 4] } : {}) });
    }

    const claims = new Map<number, string>();
    const overlaps: string[] = [];
    const runningOf = (sql: Sql, key: string) => sql.get<{ n: number }>("SELECT count(*) AS n FROM job_queue WHERE concurrency_key = ? AND status = 'running'", [key]);
    const record = async (worker: string, sql: Sql, job: ClaimedJob) => {
      if (claims.has(job.jobId)) overlaps.push(`job ${job.jobId} claimed by ${claims.get(job.jobId)} and ${worker}`);
      claims.set(job.jobId, worker);
      const key = (await sql.get<{ concurrency_key: string | null }>("SELECT concurrency_key FROM job_queue WHERE id = ?", [job.jobId]))?.concurrency_key;
      if (!key) return;
      // Read after the claim committed: a second running job of the key would be in this snapshot.
      const running = (await runningOf(sql, key))?.n ?? 0;
      if (running > 1) overlaps.push(`${running} running jobs of ${key} after ${worker} claimed job ${job.jobId}`);
      await sleep(Math.random() * 3); // held a moment, so other claimers meet the key busy
    };

    // Three workers per controller; one of them claims two at a time in one transaction, as the pool does.
    const work = async (sql: Sql, worker: string, batch: boolean) => {
      for (;;) {
        const taken = batch
          ? await sql.transaction(async (tx) => [await claimJob(tx, worker, t0, lease), await claimJob(tx, worker, t0, lease)])
          : [await claimJob(sql, worker, t0, lease)];
        const jobs = taken.filter((j): j is ClaimedJob => j !== undefined);
        if (jobs.length === 0) {
          // Nothing free for us now: done when nothing is queued, else a key is busy for a moment.
          if ((await activeJobs(sql, t0)).queued === 0) return;
          await sleep(1);
          continue;
        }
        for (const job of jobs) {
          await record(worker, sql, job);
          expect(await completeJob(sql, job.jobId, worker, t0, { output: null, durationMs: 0 })).toBe(true);
        }
      }
    };
    // And a watcher on its own connection, looking for two running jobs of one key at any moment.
    let draining = true;
    const watch = async () => {
      while (draining) {
        const rows = await store.sql.all<{ concurrency_key: string; n: number }>(
          "SELECT concurrency_key, count(*) AS n FROM job_queue WHERE status = 'running' AND concurrency_key IS NOT NULL GROUP BY concurrency_key HAVING count(*) > 1",
        );
        for (const row of rows) overlaps.push(`watcher saw ${row.n} running jobs of ${row.concurrency_key}`);
        await sleep(1);
      }
    };
    const watcher = watch();
    await Promise.all(controllers.flatMap((sql, c) => [0, 1, 2].map((w) => work(sql, `c${c}-w${w}`, w === 0))));
    draining = false;
    await watcher;

    expect(overlaps).toEqual([]);
    expect(claims.size).toBe(200);
    // Every controller took part: the claims interleaved.
    expect(new Set([...claims.values()].map((w) => w.split("-")[0])).size).toBe(4);
    expect(await store.sql.all("SELECT status, count(*) AS n FROM job_queue GROUP BY status")).toEqual([{ status: "success", n: 200 }]);
  });

  test("a job another controller is taking is passed over, not waited for", async () => {
    const store = await backend.open();
    const other = await store.connect();
    const first = await enqueue(store.sql, "first", { priority: 1 });
    const second = await enqueue(store.sql, "second", { priority: 2 });
    // A holds its claim of `first` open (uncommitted) while B claims.
    const holding = await claimHeldOpen(store.sql);
    expect((await claimJob(other, "b", t0, lease))?.jobId).toBe(second.jobId);
    expect(await holding.commit()).toBe(first.jobId);
  });

  test("a key another controller is claiming is passed over; once its job runs, the key waits", async () => {
    const store = await backend.open();
    const other = await store.connect();
    const keyed = await enqueue(store.sql, "digest-a", { concurrencyKey: "digest", priority: 1 });
    const sameKey = await enqueue(store.sql, "digest-b", { concurrencyKey: "digest", priority: 1 });
    const free = await enqueue(store.sql, "free", { priority: 9 });
    const holding = await claimHeldOpen(store.sql);
    // B does not take digest-b (A is taking digest's first job) nor wait for A: it takes the free one.
    expect((await claimJob(other, "b", t0, lease))?.jobId).toBe(free.jobId);
    expect(await holding.commit()).toBe(keyed.jobId);
    expect(await claimJob(other, "b", t0, lease)).toBeUndefined();
    expect((await jobRow(store.sql, sameKey.jobId))?.status).toBe("queued");
  });

  test("two controllers queueing a run of an overlap: skip event at once queue one", async () => {
    const store = await backend.open();
    const controllers = [store.sql, ...(await Promise.all([1, 2, 3].map(() => store.connect())))];
    const event = { name: "hook", spec: resolveEvent({ condition: { type: "webhook", secret: "${HOOK_SECRET}" }, action: { type: "script", command: "true" } }) };
    const decisions = await Promise.all(controllers.map((sql) => queueRun(sql, { event, trigger: "webhook", scheduledFor: t0 }, t0)));
    expect(decisions.filter((d) => "queued" in d)).toHaveLength(1);
    expect(decisions.filter((d) => "skipped" in d)).toHaveLength(3);
    expect(await rowCount(store.sql, "event_runs")).toBe(1);
  });

  test("a failure and a recovery of one job at once: exactly one of them records it", async () => {
    const store = await backend.open();
    const other = await store.connect();
    const { jobId, runId } = await enqueue(store.sql, "daily", { maxAttempts: 1 });
    await claimJob(store.sql, "w1", t0, 1_000);
    // The worker reports its failure as another controller finds the lease lapsed.
    const [failed, recovered] = await Promise.all([
      failJob(store.sql, jobId, "w1", after(2_000), { error: "boom", backoffMs: [0], durationMs: 0 }),
      recoverExpiredLeases(other, after(2_000)),
    ]);
    expect(Number(failed.final) + recovered.failed).toBe(1);
    expect(failed.leaseLost === true).toBe(recovered.failed === 1);
    expect(await jobRow(store.sql, jobId)).toMatchObject({ status: "failed", lease_owner: null });
    expect((await runRow(store.sql, runId))?.status).toBe("failed");
  });

  test("two controllers recovering at once recover each lapsed lease once", async () => {
    const store = await backend.open();
    const other = await store.connect();
    for (let i = 0; i < 20; i++) await enqueue(store.sql, `event-${i}`);
    for (let i = 0; i < 20; i++) await claimJob(store.sql, "dead", t0, 1_000);
    const [a, b] = await Promise.all([recoverExpiredLeases(store.sql, after(2_000)), recoverExpiredLeases(other, after(2_000))]);
    expect(a.retried + b.retried).toBe(20);
    expect((await activeJobs(store.sql, after(2_000))).queued).toBe(20);
  });
});
