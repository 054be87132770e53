import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { LeaderElector } from "../../controller/store/leader-elector.js";
import { fenceHolds } from "../../controller/store/controller-lock.js";
import { releaseLease, renewLease, takeLease } from "../../controller/store/leader-lease.js";
import { openPostgres } from "../../controller/store/open-postgres.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import { FakeClock } from "../support/fake-clock.js";
import { postgresDatabase, testPostgres } from "../support/postgres.js";
import { storeBackends, track } from "../support/store-backends.js";

const leaseMs = 30_000;

/** The lease's heartbeat moved `ms` into the past: its holder stopped renewing that long ago. */
async function lapse(sql: Sql, ms: number): Promise<void> {
  const row = await sql.get<{ heartbeat_at: string }>("SELECT heartbeat_at FROM controller_lock WHERE id = 1");
  await sql.run("UPDATE controller_lock SET heartbeat_at = ? WHERE id = 1", [new Date(Date.parse(row?.heartbeat_at ?? "") - ms).toISOString()]);
}

describe.each(storeBackends)("the leader lease on $name", ({ missing, open }) => {
  if (missing) console.warn(`test/store/leader-lease: postgres cases skipped, ${missing}`);
  const test = missing ? (title: string, _body: () => Promise<void>) => it.skip(`${title} (needs PostgreSQL: ${missing})`, () => {}) : it;

  test("one candidate leads; another waits until the lease lapses, then leads with a newer fence", async () => {
    const sql = await open();
    const a = await takeLease(sql, { owner: "a" }, leaseMs);
    expect(a).toMatchObject({ owner: "a" });
    expect(await takeLease(sql, { owner: "b" }, leaseMs)).toBeUndefined();
    expect(await renewLease(sql, a!)).toBe(true);
    await lapse(sql, leaseMs + 1);
    const b = await takeLease(sql, { owner: "b" }, leaseMs);
    expect(b?.token).toBeGreaterThan(a!.token);
    // The old leader is fenced: it cannot renew, and its writes see the lease gone.
    expect(await renewLease(sql, a!)).toBe(false);
    expect(await sql.transaction((tx) => fenceHolds(tx, a!))).toBe(false);
    expect(await sql.transaction((tx) => fenceHolds(tx, b!))).toBe(true);
    // A clean stop hands over at once.
    await releaseLease(sql, b!);
    expect(await takeLease(sql, { owner: "c" }, leaseMs)).toMatchObject({ owner: "c" });
  });

  test("a leader that ran on this host and whose pid is gone is taken over at once, not a lease later", async () => {
    const sql = await open();
    const gone = spawnSync("true").pid;
    expect(await takeLease(sql, { owner: "a", pid: gone, host: hostname() }, leaseMs)).toMatchObject({ owner: "a" });
    expect(await takeLease(sql, { owner: "b" }, leaseMs)).toMatchObject({ owner: "b" });
    // On another host, or with its pid alive, the lease is waited out.
    expect(await takeLease(sql, { owner: "c", pid: gone, host: "elsewhere" }, leaseMs)).toBeUndefined();
    await releaseLease(sql, (await takeLease(sql, { owner: "b" }, leaseMs))!);
    expect(await takeLease(sql, { owner: "d", pid: gone, host: "elsewhere" }, leaseMs)).toMatchObject({ owner: "d" });
    expect(await takeLease(sql, { owner: "e" }, leaseMs)).toBeUndefined();
  });

  test("candidates racing for a free lease: exactly one wins", async () => {
    const sql = await open();
    const wins = await Promise.all(["a", "b", "c", "d", "e"].map((owner) => takeLease(sql, { owner }, leaseMs)));
    expect(wins.filter(Boolean)).toHaveLength(1);
  });
});

describe("leader election between controllers sharing PostgreSQL", () => {
  const missing = "missing" in testPostgres ? testPostgres.missing : undefined;
  const test = missing ? (title: string, _body: () => Promise<void>) => it.skip(`${title} (needs PostgreSQL: ${missing})`, () => {}) : it;

  test("a follower takes over within a lease when the leader stops renewing; the old leader steps down", async () => {
    const url = await postgresDatabase();
    const [one, two] = [track(await openPostgres(url)), track(await openPostgres(url))];
    // Each controller has its own clock: the leader's stands still while it hangs.
    const [leaderClock, followerClock] = [new FakeClock(Date.parse("2026-12-03T12:00:00Z")), new FakeClock(Date.parse("2026-12-03T12:00:00Z"))];
    const first = new LeaderElector(one, { owner: "first" }, { leaseMs, clock: leaderClock });
    const second = new LeaderElector(two, { owner: "second" }, { leaseMs, clock: followerClock });
    const events: string[] = [];
    first.on("elected", () => events.push("first elected"));
    first.on("deposed", () => events.push("first deposed"));
    second.on("elected", () => events.push("second elected"));
    await first.start();
    await second.start();
    expect(events).toEqual(["first elected"]);
    // The follower keeps trying every third of a lease, and loses while the leader's heartbeat is fresh.
    await followerClock.advance(leaseMs / 3);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events).toEqual(["first elected"]);
    // The leader hangs: its last heartbeat is a lease old. The follower's next try takes over.
    await lapse(one, leaseMs + 1);
    const electedSecond = new Promise((resolve) => second.once("elected", resolve));
    await followerClock.advance(leaseMs / 3);
    await electedSecond;
    // The old leader wakes up: its renewal finds the fence gone, and it steps down.
    const deposedFirst = new Promise<void>((resolve) => first.once("deposed", () => resolve()));
    await leaderClock.advance(leaseMs / 3);
    await deposedFirst;
    expect(events).toEqual(["first elected", "second elected", "first deposed"]);
    expect(second.fence?.token).toBeGreaterThan(0);
    expect(first.fence).toBeUndefined();
    await first.stop();
    await second.stop();
  });

  test("a takeover waits for the old leader's fenced write to commit, and its next write is refused", async () => {
    const url = await postgresDatabase();
    const [old, next] = [track(await openPostgres(url)), track(await openPostgres(url))];
    const fence = await takeLease(old, { owner: "old" }, leaseMs);
    await lapse(old, leaseMs + 1);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const order: string[] = [];
    let fenceChecked: () => void = () => {};
    const checked = new Promise<void>((resolve) => (fenceChecked = resolve));
    const write = old.transaction(async (tx) => {
      expect(await fenceHolds(tx, fence!)).toBe(true);
      fenceChecked();
      await gate;
      order.push("old leader's write committed");
    });
    await checked;
    const takeover = takeLease(next, { owner: "next" }, leaseMs).then((won) => {
      order.push("takeover");
      return won;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(order).toEqual([]);
    release();
    await write;
    expect(await takeover).toBeDefined();
    expect(order).toEqual(["old leader's write committed", "takeover"]);
    expect(await old.transaction((tx) => fenceHolds(tx, fence!))).toBe(false);
  });
});
