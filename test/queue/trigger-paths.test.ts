import { Webhook } from "standardwebhooks";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "../../controller/api/build-server.js";
import { reconcile } from "../../controller/reconcile/reconcile.js";
import { fireDueEvents } from "../../controller/scheduler/fire-due-events.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import { queueFlowsAfter } from "../../controller/workers/queue-flows-after.js";
import { cli, isolateGit } from "../cli/helpers.js";
import { FakeClock } from "../support/fake-clock.js";
import { gitWorkspace } from "../support/git-workspace.js";
import { type FileBackend, fileStoreBackends } from "../support/store-backends.js";
import { baseWorkspace } from "../support/tree.js";

// Every way a run gets queued (schedule, catch-up, webhook, `nexaas trigger`, a
// flow's `after`) must follow the same policy. Each path asks twice while the
// first run still waits; the second is what overlap and the concurrency key decide.

beforeAll(() => isolateGit());
const backends = fileStoreBackends();
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.();
});

const t0 = Date.parse("2026-11-23T10:00:00.000Z");
const minute = 60_000;
const secret = `whsec_${Buffer.from("a signing key of thirty-two bytes").toString("base64")}`;

const policies = {
  skip: "{overlap: skip}",
  queue: "{overlap: queue}",
  allow: "{overlap: allow}",
  keyed: "{overlap: allow, concurrency_key: digest, priority: 2, retries: 4}",
} as const;
type Mode = keyof typeof policies;

/** What the second request should queue: nothing, or a job with this key, priority and attempts. */
const expected: Record<Mode, ((event: string) => { concurrency_key: string | null; priority: number; max_attempts: number }) | null> = {
  skip: null,
  queue: (event) => ({ concurrency_key: `event:${event}`, priority: 5, max_attempts: 3 }),
  allow: () => ({ concurrency_key: null, priority: 5, max_attempts: 3 }),
  keyed: () => ({ concurrency_key: "digest", priority: 2, max_attempts: 5 }),
};

/** Each policy's workspace, made once: the tests only read it, on both backends. */
const workspaces = new Map<Mode, string>();

function workspace(mode: Mode): string {
  const made = workspaces.get(mode);
  if (made) return made;
  const policy = policies[mode];
  const ws = gitWorkspace({
    ...baseWorkspace,
    "events/tick.yaml": `condition: {type: interval, expr: 1m}\naction: {type: script, command: echo tick}\npolicy: ${policy}\n`,
    "events/late.yaml": `condition: {type: interval, expr: 1m}\naction: {type: script, command: echo late}\npolicy: ${policy.replace("}", ", catchup: once}")}\n`,
    "events/hook.yaml": `condition: {type: webhook, secret: "\${HOOK_SECRET}"}\naction: {type: script, command: echo hook}\npolicy: ${policy}\n`,
    "events/manual.yaml": `condition: {type: webhook, secret: "\${HOOK_SECRET}"}\naction: {type: script, command: echo manual}\npolicy: ${policy}\n`,
    "flows/first.yaml": "steps:\n  - {id: a, action: script, command: echo first}\n",
    "flows/next.yaml": `trigger: {type: after, flow: first}\nsteps:\n  - {id: b, action: script, command: echo next}\npolicy: ${policy}\n`,
  });
  workspaces.set(mode, ws.dir);
  return ws.dir;
}

async function setup(open: FileBackend["open"], mode: Mode) {
  const dir = workspace(mode);
  const { sql, target, connect } = await open();
  const applied = await reconcile(sql, { dir, frameworkDir: null, now: new Date(t0) });
  expect(applied.result === "invalid" ? applied.diagnostics : []).toEqual([]);
  return { sql, target, connect, dir };
}

const jobs = (sql: Sql, event: string) =>
  sql.all<{ trigger: string; concurrency_key: string | null; priority: number; max_attempts: number }>(
    "SELECT r.trigger, j.concurrency_key, j.priority, j.max_attempts FROM job_queue j JOIN event_runs r ON r.id = j.run_id WHERE j.event_id = ? ORDER BY j.id",
    [event],
  );

/** The second job of a path is as the policy says, and the first was queued the same way. */
async function expectSecond(mode: Mode, sql: Sql, event: string, trigger: string) {
  const rows = await jobs(sql, event);
  const want = expected[mode];
  if (!want) {
    expect(rows).toHaveLength(1);
    return;
  }
  expect(rows).toHaveLength(2);
  for (const row of rows) expect(row).toEqual({ trigger: expect.any(String), ...want(event) });
  expect(rows[1]?.trigger).toBe(trigger);
}

function signed(id: string, body: string) {
  const at = new Date(t0);
  return {
    method: "POST" as const,
    url: "/hooks/hook",
    payload: body,
    headers: {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(t0 / 1000)),
      "webhook-signature": new Webhook(secret).sign(id, at, body),
    },
  };
}

describe.each(backends)("on $name", ({ name, missing, open }) => {
  const it_ = missing ? (title: string, _body: () => Promise<void>) => it.skip(`${title} (needs PostgreSQL: ${missing})`, () => {}) : it;

  it_("schedule: a second controller firing the same slots queues none again (overlap: allow, where only the slot's key stops a second run)", async () => {
    const { sql, connect } = await setup(open, "allow");
    const other = await connect();
    const at = new Date(t0 + minute);
    // PostgreSQL: at once, as two controllers sharing it during a hand-over. SQLite has one controller
    // (the controller lock), and two connections of one process cannot interleave write transactions,
    // so there the second fires after the first (and finds nothing due).
    const fired =
      name === "postgres"
        ? await Promise.all([fireDueEvents(sql, at), fireDueEvents(other, at)])
        : [await fireDueEvents(sql, at), await fireDueEvents(other, at)];
    expect(fired.flat().map((f) => f.eventId).sort()).toEqual(["late", "tick"]);
    for (const event of ["tick", "late"]) expect((await jobs(sql, event)).map((j) => j.trigger)).toEqual(["schedule"]);
    expect(await sql.get("SELECT next_fire_at FROM events WHERE name = 'tick'")).toEqual({ next_fire_at: new Date(t0 + 2 * minute).toISOString() });
  });

  describe.each(Object.keys(policies) as Mode[])("policy %s: every trigger path queues alike", (mode) => {
    it_("schedule: the next slot while the last run waits", async () => {
      const { sql } = await setup(open, mode);
      expect((await fireDueEvents(sql, new Date(t0 + minute))).filter((f) => f.eventId === "tick")).toHaveLength(1);
      await fireDueEvents(sql, new Date(t0 + 2 * minute));
      await expectSecond(mode, sql, "tick", "schedule");
    });

    it_("catch-up: a missed slot after an outage while the last run waits", async () => {
      const { sql } = await setup(open, mode);
      await fireDueEvents(sql, new Date(t0 + minute));
      // Down for ten minutes: the latest missed slot is caught up, and the on-time one fires.
      await fireDueEvents(sql, new Date(t0 + 10 * minute + 30_000));
      const rows = await jobs(sql, "late");
      const want = expected[mode];
      if (!want) return expect(rows.map((r) => r.trigger)).toEqual(["schedule"]);
      expect(rows.map((r) => r.trigger)).toEqual(["schedule", "catchup", "schedule"]);
      for (const row of rows) expect(row).toMatchObject(want("late"));
    });

    it_("webhook: a second delivery while the first run waits; a skip answers 200 and still uses up the id", async () => {
      const { sql } = await setup(open, mode);
      const app = await buildServer({ sql: sql, apiKey: "k-123", env: { HOOK_SECRET: secret }, clock: new FakeClock(t0), onRunQueued: () => undefined });
      cleanup.push(() => app.close());
      expect((await app.inject(signed("msg_1", "{}"))).statusCode).toBe(202);
      const second = await app.inject(signed("msg_2", '{"n": 2}'));
      if (expected[mode]) expect(second.statusCode).toBe(202);
      else {
        expect(second.statusCode).toBe(200);
        expect(second.json()).toEqual({ skipped: expect.stringContaining("overlap: skip"), event_id: "hook" });
        // The skipped delivery's id counts against replays, and replays are checked first.
        expect((await app.inject(signed("msg_2", '{"n": 2}'))).statusCode).toBe(409);
      }
      await expectSecond(mode, sql, "hook", "webhook");
    });

    it_("nexaas trigger: a second run by hand; a skip exits 1 with the reason and --force queues it", async () => {
      const { sql, target, dir } = await setup(open, mode);
      expect((await cli(["trigger", "manual", "--db", target], dir)).code).toBe(0);
      const second = await cli(["trigger", "manual", "--db", target], dir);
      if (expected[mode]) expect(second.code).toBe(0);
      else {
        expect(second.code).toBe(1);
        expect(second.stderr).toContain("overlap: skip");
        expect(second.stderr).toContain("--force");
      }
      await expectSecond(mode, sql, "manual", "manual");
      if (!expected[mode]) {
        expect((await cli(["trigger", "manual", "--force", "--db", target], dir)).code).toBe(0);
        expect(await jobs(sql, "manual")).toHaveLength(2);
      }
    });

    it_("flow after: the follow-on flow while its last run waits", async () => {
      const { sql } = await setup(open, mode);
      expect((await queueFlowsAfter(sql, "first", true, new Date(t0), null)).queued).toEqual(["next"]);
      const second = await queueFlowsAfter(sql, "first", true, new Date(t0 + 1000), null);
      if (expected[mode]) expect(second.queued).toEqual(["next"]);
      else expect(second.skipped).toEqual([{ flow: "next", reason: expect.stringContaining("overlap: skip") }]);
      await expectSecond(mode, sql, "flow:next", "flow");
    });
  });
});
