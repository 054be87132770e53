import { once } from "node:events";
import { Writable } from "node:stream";
import { afterEach, beforeAll, expect, it } from "vitest";
import { Controller } from "../../controller/controller.js";
import { createLogger } from "../../controller/log.js";
import { queueRun } from "../../controller/queue/queue-run.js";
import { openPostgres } from "../../controller/store/open-postgres.js";
import { readEvent } from "../../controller/store/read-event.js";
import type { PostgresSql } from "../../controller/store/sql/postgres-sql.js";
import { join } from "node:path";
import { git, isolateGit, tempDir } from "../cli/helpers.js";
import { gitWorkspace } from "../support/git-workspace.js";
import { describePostgres, postgresDatabase } from "../support/postgres.js";
import { baseWorkspace } from "../support/tree.js";

// Issue 16: controllers sharing one PostgreSQL database. One leads (reconciles,
// schedules); every one claims and runs jobs, woken by NOTIFY; a leader that
// stops hands over within a lease, and one whose lease was taken follows at
// once and goes on working. Real clock, real server, short leases.

beforeAll(() => isolateGit());
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.();
});

const silent = createLogger({ LOG_LEVEL: "silent" }, new Writable({ write: (_c, _e, cb) => cb() }));
const leaseMs = 900;

// A manual event whose run takes a moment, so that one pool cannot take every job before the others wake.
const tree = { ...baseWorkspace, "events/slow.yaml": "condition: {type: interval, expr: 1h}\naction: {type: script, command: sleep 0.3}\npolicy: {overlap: allow}\n" };

async function member(ws: { dir: string }, url: string): Promise<{ controller: Controller; sql: PostgresSql; ran: () => number }> {
  const sql = await openPostgres(url);
  const controller = new Controller(sql, {
    dir: ws.dir,
    pollMs: 0,
    driftCheckMs: 0,
    workers: 2,
    leaseMs,
    env: { PATH: process.env.PATH },
    log: silent,
    frameworkDir: null,
    api: { apiKey: "k", port: 0, host: "127.0.0.1", logger: false },
  });
  let ran = 0;
  controller.pool.on("finished", ({ outcome }) => {
    if (outcome.status === "success") ran++;
  });
  cleanup.push(
    () => sql.close(),
    () => controller.stop(0),
  );
  await controller.start();
  return { controller, sql, ran: () => ran };
}

async function role(controller: Controller): Promise<{ role: unknown; metric: string | undefined }> {
  const health = (await (await fetch(`${controller.address}/api/health`)).json()) as { role?: unknown };
  const metrics = await (await fetch(`${controller.address}/metrics`, { headers: { authorization: "Bearer k" } })).text();
  return { role: health.role, metric: metrics.split("\n").find((l) => l.startsWith("nexaas_leader ")) };
}

async function queueManualRuns(sql: PostgresSql, count: number): Promise<void> {
  const event = await readEvent(sql, "slow");
  if (!event) throw new Error("the event slow was not applied");
  for (let i = 0; i < count; i++) await queueRun(sql, { event, trigger: "manual", scheduledFor: new Date() }, new Date());
}

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const succeeded = async (sql: PostgresSql): Promise<number> => (await sql.get<{ n: number }>("SELECT count(*) AS n FROM event_runs WHERE status = 'success'"))?.n ?? 0;

describePostgres("controllers sharing one PostgreSQL database", () => {
  it("one leads and applies the workspace; every one runs jobs; the other leads within a lease when the leader stops", { timeout: 30_000 }, async () => {
    const ws = gitWorkspace(tree);
    const url = await postgresDatabase();
    const a = await member(ws, url);
    const b = await member(ws, url);
    expect([a.controller.leading, b.controller.leading]).toEqual([true, false]);
    // Each says so: /api/health (public, for a load balancer) and /metrics.
    expect(await role(a.controller)).toEqual({ role: "leader", metric: "nexaas_leader 1" });
    expect(await role(b.controller)).toEqual({ role: "follower", metric: "nexaas_leader 0" });
    // The leader applied HEAD before its start resolved.
    expect(await readEvent(a.sql, "slow")).toBeDefined();

    // Queued through the follower's pool: NOTIFY wakes both, and both work.
    await queueManualRuns(b.sql, 8);
    await until(() => a.ran() + b.ran() === 8, "8 runs to succeed");
    expect(await succeeded(a.sql)).toBe(8);
    expect(a.ran()).toBeGreaterThan(0);
    expect(b.ran()).toBeGreaterThan(0);

    // A clean stop gives the lease up: the follower leads at its next try, within a third of a lease or so.
    const leading = once(b.controller, "leading");
    const stoppedAt = Date.now();
    await a.controller.stop(5_000);
    await leading;
    expect(Date.now() - stoppedAt).toBeLessThan(leaseMs * 2);
    expect(b.controller.leading).toBe(true);
    expect(await role(b.controller)).toEqual({ role: "leader", metric: "nexaas_leader 1" });
    // The new leader reconciles: a commit is applied by it.
    ws.commit({ "events/later.yaml": "condition: {type: interval, expr: 1h}\naction: {type: script, command: 'true'}\n" });
    await until(async () => (await readEvent(b.sql, "later")) !== undefined, "the new leader to apply the commit");
  });

  it("a leader whose lease was taken over follows at once: it stops reconciling and scheduling, and goes on running jobs", { timeout: 30_000 }, async () => {
    const ws = gitWorkspace(tree);
    const url = await postgresDatabase();
    const a = await member(ws, url);
    expect(a.controller.leading).toBe(true);
    const following = once(a.controller, "following");
    // Another controller takes the lease over (as after a pause longer than a lease): a newer
    // token, and a heartbeat that stays fresh for the test (dated far ahead).
    await a.sql.run("UPDATE controller_lock SET owner = 'elsewhere', token = token + 1, heartbeat_at = '2999-01-01T00:00:00.000Z' WHERE id = 1");
    await following;
    expect(a.controller.leading).toBe(false);

    // Its reconciler stopped: a commit is not applied by it.
    ws.commit({ "events/later.yaml": "condition: {type: interval, expr: 1h}\naction: {type: script, command: 'true'}\n" });
    await new Promise((resolve) => setTimeout(resolve, leaseMs));
    expect(await readEvent(a.sql, "later")).toBeUndefined();
    // Its workers still work.
    await queueManualRuns(a.sql, 2);
    // Counted when its pool reports them, just after their success is recorded.
    await until(() => a.ran() === 2, "the follower's runs");
    expect(await succeeded(a.sql)).toBe(2);
  });

  it("a leader whose copy of the repository is behind the live revision does not roll it back", { timeout: 30_000 }, async () => {
    const ws = gitWorkspace(tree);
    const url = await postgresDatabase();
    // B follows a clone of A's repository, made now: it lacks what A commits next.
    const clone = join(tempDir(), "clone");
    git(ws.dir, "clone", "-q", ws.dir, clone);
    const a = await member(ws, url);
    const b = await member({ dir: clone }, url);
    const ahead = ws.commit({ "events/later.yaml": "condition: {type: interval, expr: 1h}\naction: {type: script, command: 'true'}\n" });
    await until(async () => (await readEvent(a.sql, "later")) !== undefined, "the leader to apply its commit");

    const behind = once(b.controller.loop, "behind");
    await a.controller.stop(5_000);
    const [{ revision, live }] = (await behind) as [{ revision: string; live: string }];
    expect(live).toBe(ahead);
    expect(revision).not.toBe(ahead);
    expect(b.controller.leading).toBe(true);
    // Nothing was rolled back: the event committed after B's copy is still there, and the status names A's commit.
    expect(await readEvent(b.sql, "later")).toBeDefined();
    expect((await b.sql.get<{ revision: string }>("SELECT last_applied_revision AS revision FROM sync_status"))?.revision).toBe(ahead);
  });
});
