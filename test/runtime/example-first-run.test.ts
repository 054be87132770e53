import { once } from "node:events";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterEach, beforeAll, describe, expect } from "vitest";
import { createLogger } from "../../controller/log.js";
import { packageRoot } from "../../controller/package-root.js";
import type { WorkerPoolEvents } from "../../controller/workers/worker-pool.js";
import { git, gitIdentity, isolateGit, tempDir } from "../cli/helpers.js";
import { controllerBackends, startTestController, testOn } from "../support/controller-backends.js";
import { FakeClock } from "../support/fake-clock.js";

beforeAll(isolateGit);
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.();
});

const silent = createLogger({ LOG_LEVEL: "silent" }, new Writable({ write: (_c, _e, cb) => cb() }));
type Finished = WorkerPoolEvents["finished"][0];

/**
 * A new user's first minute: `npm start` on workspace.example, offline (no model key, no
 * URLs), must show a run that succeeded within 60 s. The controller runs on a fake clock;
 * 06:30 on a Sunday in Paris is no cron event's minute, so only the interval events can fire.
 */
describe.each(controllerBackends)("workspace.example's first minute, on $name", (backend) => {
  const it = testOn(backend);

  it("runs an offline script event successfully within 60 s of start", async () => {
    const dir = tempDir("nexaas-example-first-");
    cpSync(join(packageRoot, "workspace.example"), dir, { recursive: true, filter: (src) => !/[/\\](data|\.env|exports)$/.test(src) });
    git(dir, "init", "-q");
    gitIdentity(dir);
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "example");
    const start = Date.parse("2027-01-03T05:30:00.000Z");
    const clock = new FakeClock(start);
    const { controller, sql } = await startTestController(backend.name, { dir, pollMs: 0, driftCheckMs: 0, env: { PATH: process.env.PATH }, log: silent, clock, leaseMs: 60_000 }, cleanup);

    const first = await sql.get<{ name: string; next_fire_at: string }>("SELECT name, next_fire_at FROM events WHERE next_fire_at IS NOT NULL ORDER BY next_fire_at LIMIT 1");
    expect(first?.name).toBe("stock-snapshot");
    expect(Date.parse(first?.next_fire_at ?? "") - start).toBeLessThanOrEqual(60_000);

    const done = once(controller.pool, "finished").then(([f]) => f as Finished);
    await clock.advance(60_000);
    const finished = await done;
    expect(finished.job.eventId).toBe("stock-snapshot");
    expect(finished.outcome.status).toBe("success");
    const run = await sql.get<{ status: string; output: string; started_at: string }>("SELECT status, output, started_at FROM event_runs WHERE event_id = 'stock-snapshot'");
    expect(run?.status).toBe("success");
    expect(run?.output).toContain("products at or below their reorder point");
    expect(Date.parse(run?.started_at ?? "") - start).toBeLessThanOrEqual(60_000);
  });
});
