import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, expect, it } from "vitest";
import { isolateGit, tempDir } from "../cli/helpers.js";
import { describePostgres, postgresClient, postgresDatabase } from "../support/postgres.js";
import { type ControllerProcess, killAll, startController, workspace } from "./controller-process.js";

// Issue 16's chaos test: three controllers share one PostgreSQL database and run
// 1,000 runs while the leader is kill -9'd twice. Every slot of every event runs
// (0 lost) and none runs twice, and the takeovers are timed.
//
// What "twice" means here: each run appends "<event> <slot>" to a ledger, so a
// slot whose action ran twice shows two lines. A job that was in flight on the
// killed controller is retried once its lease lapses (at least once, SPEC §5):
// its slot may show two lines with two attempts, which is reported, not hidden;
// a second line without a second attempt (two claims of one job, two firings of
// one slot) is the failure this test looks for.

beforeAll(() => isolateGit());
afterEach(() => killAll());

/** Polls `check` every 100 ms until it gives a value, or fails after `timeoutMs` naming `what`. */
async function until<T>(check: () => Promise<T | undefined>, what: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

const events = 40;
const runsWanted = 1_000;
const leaseSeconds = 2;

describePostgres("three controllers on one PostgreSQL database", () => {
  it("run 1,000 runs with the leader kill -9'd twice: 0 runs lost, 0 slots run twice", { timeout: 150_000 }, async () => {
    const url = await postgresDatabase();
    const ledger = join(tempDir("nexaas-chaos-"), "ledger");
    const tree: Record<string, string> = {};
    for (let i = 1; i <= events; i++) {
      const id = `tick-${String(i).padStart(2, "0")}`;
      tree[`events/${id}.yaml`] = [
        "condition: {type: interval, expr: 1s}",
        `action: {type: script, command: ${JSON.stringify(`echo "$NEXAAS_EVENT_ID $NEXAAS_SCHEDULED_FOR" >> ${ledger}`)}}`,
        // Each slot runs on its own: a slot held by a dead controller's lease must not skip the next ones.
        "policy: {overlap: allow, retries: 3}",
        "",
      ].join("\n");
    }
    const ws = workspace(tree);
    const env = { DATABASE_URL: url, NEXAAS_LEASE_SECONDS: String(leaseSeconds), WORKER_POOL_SIZE: "4" };
    // No --db: it would pick a SQLite file over DATABASE_URL, as a flag wins over the environment.
    const start = (): ControllerProcess => startController({ dir: ws.dir }, { env });
    const controllers = [start(), start(), start()];
    const everyController = [...controllers];
    await Promise.all(controllers.map((c) => c.port(30_000)));
    const db = await postgresClient(url);
    const count = async (): Promise<number> => Number((await db.query<{ n: string }>("SELECT count(*) AS n FROM event_runs")).rows[0]?.n ?? 0);

    // The lease's holder, once its "leading" line is read (the row is written just before the line).
    const leader = (): Promise<ControllerProcess> =>
      until(
        async () => {
          const owner = (await db.query<{ owner: string }>("SELECT owner FROM controller_lock WHERE id = 1")).rows[0]?.owner;
          return controllers.find((c) => c.lines.some((l) => l.msg.startsWith("leading") && l.owner === owner));
        },
        "the leader's leading line",
        15_000,
      );
    const leadingAt = (c: ControllerProcess, from: number): number | undefined => {
      const line = c.lines.slice(from).find((l) => l.msg.startsWith("leading"));
      return line === undefined ? undefined : typeof line.time === "number" ? line.time : Date.parse(String(line.time));
    };

    const takeovers: number[] = [];
    for (const atRuns of [runsWanted * 0.3, runsWanted * 0.6]) {
      await until(async () => ((await count()) >= atRuns ? true : undefined), `${atRuns} runs`, 60_000);
      const old = await leader();
      const others = controllers.filter((c) => c !== old);
      const marks = others.map((c) => c.lines.length);
      const killedAt = Date.now();
      old.kill("SIGKILL");
      await old.exit();
      // The first leading line another controller logged after the kill (by its own timestamp).
      const at = await until(
        async () => {
          const times = others.map((c, i) => leadingAt(c, marks[i] ?? 0)).filter((t) => t !== undefined);
          return times.length > 0 ? Math.min(...times) : undefined;
        },
        "a takeover",
        10 * leaseSeconds * 1000,
      );
      takeovers.push(at - killedAt);
      // The killed one comes back, as a supervisor would restart it: three controllers again.
      const restarted = start();
      controllers[controllers.indexOf(old)] = restarted;
      everyController.push(restarted);
    }

    await until(async () => ((await count()) >= runsWanted ? true : undefined), `${runsWanted} runs`, 60_000);
    // Every slot up to the cutoff must have run by the end; the scheduler goes on meanwhile.
    const cutoff = (await db.query<{ at: string }>("SELECT max(scheduled_for) AS at FROM event_runs")).rows[0]?.at ?? "";
    await until(
      async () => ((await db.query<{ n: string }>("SELECT count(*) AS n FROM event_runs WHERE scheduled_for <= $1 AND status <> 'success'", [cutoff])).rows[0]?.n === "0" ? true : undefined),
      "every run up to the cutoff to succeed",
      60_000,
    );
    for (const c of controllers) c.kill("SIGTERM");
    await Promise.all(controllers.map((c) => c.exit(40_000)));

    const runs = (
      await db.query<{ event_id: string; scheduled_for: string; status: string; attempts: string }>(
        `SELECT r.event_id, r.scheduled_for, r.status, coalesce(max(j.attempts), 0) AS attempts
         FROM event_runs r LEFT JOIN job_queue j ON j.run_id = r.id WHERE r.scheduled_for <= $1 GROUP BY r.id ORDER BY r.event_id, r.scheduled_for`,
        [cutoff],
      )
    ).rows;
    expect(runs.length).toBeGreaterThanOrEqual(runsWanted);

    // Lost: a gap in an event's one-second slots, or a run that did not succeed.
    const lost: string[] = [];
    const byEvent = groupBy(runs, (r) => r.event_id);
    expect(byEvent.size).toBe(events);
    for (const [event, list] of byEvent) {
      for (let i = 1; i < list.length; i++) {
        const gap = Date.parse(list[i]?.scheduled_for ?? "") - Date.parse(list[i - 1]?.scheduled_for ?? "");
        if (gap !== 1000) lost.push(`${event}: ${gap} ms between ${list[i - 1]?.scheduled_for} and ${list[i]?.scheduled_for}`);
      }
      for (const r of list) if (r.status !== "success") lost.push(`${event} ${r.scheduled_for}: ${r.status}`);
    }

    // Twice: more ledger lines for a slot than its job had attempts.
    const lines = groupBy(readFileSync(ledger, "utf8").trim().split("\n"), (l) => l);
    const twice: string[] = [];
    let retried = 0;
    for (const r of runs) {
      const ran = lines.get(`${r.event_id} ${r.scheduled_for}`)?.length ?? 0;
      if (ran === 0) lost.push(`${r.event_id} ${r.scheduled_for}: recorded a success, but its script never ran`);
      if (ran > Number(r.attempts)) twice.push(`${r.event_id} ${r.scheduled_for}: ${ran} times in ${r.attempts} attempt(s)`);
      if (Number(r.attempts) > 1) retried++;
    }
    // Leadership that moved without a kill: a leader whose renewals came late by a lease (a starved machine) steps down.
    const steppedDown = everyController.reduce((n, c) => n + c.lines.filter((l) => l.msg.startsWith("no longer leading")).length, 0);
    console.info(
      `chaos: ${runs.length} runs on 3 controllers, leader kill -9'd twice; takeover ${takeovers.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(" and ")} ` +
        `(lease ${leaseSeconds} s); lost ${lost.length}, run twice ${twice.length}; retried after a kill (at least once): ${retried}; leaders that stepped down unkilled: ${steppedDown}`,
    );
    expect(lost).toEqual([]);
    expect(twice).toEqual([]);
    // About a lease and a third when the machine keeps up; a loaded one (CI) may starve the timers for a while.
    for (const ms of takeovers) expect(ms).toBeLessThan(5 * leaseSeconds * 1000);
  });
});
