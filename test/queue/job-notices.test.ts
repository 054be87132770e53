import { afterEach, expect, it } from "vitest";
import { announceJob } from "../../controller/queue/announce-job.js";
import { claimJob } from "../../controller/queue/claim-job.js";
import { completeJob } from "../../controller/queue/complete-job.js";
import { enqueueRun } from "../../controller/queue/enqueue-run.js";
import { JobListener } from "../../controller/queue/job-notices.js";
import { openPostgres } from "../../controller/store/open-postgres.js";
import type { PostgresSql } from "../../controller/store/sql/postgres-sql.js";
import { describePostgres, postgresDatabase } from "../support/postgres.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const clean of cleanup.splice(0).reverse()) await clean();
});

async function setup(): Promise<{ sql: PostgresSql; listener: JobListener; wakes: () => number; nextWake: () => Promise<void> }> {
  const url = await postgresDatabase();
  const sql = await openPostgres(url);
  cleanup.push(() => sql.close());
  const listener = new JobListener(url);
  cleanup.push(() => listener.stop());
  let count = 0;
  listener.on("job", () => count++);
  const errors: Error[] = [];
  listener.on("error", (error) => errors.push(error));
  await listener.start();
  return { sql, listener, wakes: () => count, nextWake: () => new Promise<void>((resolve) => listener.once("job", () => resolve())) };
}

describePostgres("job notices (LISTEN/NOTIFY): workers on every controller hear of a queued job at once", () => {
  it("is heard when the queuing transaction commits, never when it rolls back", async () => {
    const { sql, wakes, nextWake } = await setup();
    await expect(
      sql.transaction(async (tx) => {
        await announceJob(tx);
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    const heard = nextWake();
    await sql.transaction((tx) => announceJob(tx));
    await heard;
    expect(wakes()).toBe(1);
  });

  it("wakes once for a burst of jobs queued together", async () => {
    const { sql, wakes, nextWake } = await setup();
    const heard = nextWake();
    await sql.transaction(async (tx) => {
      for (let i = 0; i < 50; i++) await announceJob(tx);
    });
    await heard;
    // PostgreSQL folds identical notices of one transaction into one; the listener folds what arrives together.
    expect(wakes()).toBe(1);
  });

  it("is heard when a job with a concurrency key ends, so another controller claims the job waiting behind it", async () => {
    const { sql, nextWake } = await setup();
    const now = new Date();
    const enqueued = nextWake();
    const queued = await enqueueRun(sql, { eventId: "nightly", scheduledFor: now, trigger: "manual", runAt: now, priority: 5, maxAttempts: 1, concurrencyKey: "warehouse" }, now);
    await enqueued; // the queuing's own notice, heard before the one under test
    const claimed = await claimJob(sql, "worker-a", now, 60_000);
    expect(claimed?.jobId).toBe(queued?.jobId);
    const heard = nextWake();
    expect(await completeJob(sql, claimed!.jobId, "worker-a", new Date(), { output: null, durationMs: 1 })).toBe(true);
    await heard;
  });

  it("listens again after the server drops its connection, and says so, so the pool looks at what it missed", async () => {
    const { sql, listener, nextWake } = await setup();
    const again = new Promise<void>((resolve) => listener.once("listening", () => resolve()));
    await sql.run("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'nexaas listener' AND datname = current_database()");
    await again;
    const heard = nextWake();
    await sql.transaction((tx) => announceJob(tx));
    await heard;
  });
});
