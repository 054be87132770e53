import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { acquireLock, checkFence, fenceWrites, refreshLock, releaseLock } from "../../controller/store/controller-lock.js";
import { sqliteSql } from "../../controller/store/sql/sqlite-sql.js";
import { openDatabase } from "../../controller/store/open-database.js";
import { tempDir } from "../cli/helpers.js";

const t0 = new Date("2026-11-23T10:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

function two() {
  const path = join(tempDir(), "n.db");
  return { a: openDatabase(path), b: openDatabase(path) };
}

describe("one controller per database", () => {
  it("refuses a second owner while the first is alive, and lets it take over after one lease of silence", () => {
    const { a, b } = two();
    const first = acquireLock(a, "A", t0, 60_000);
    if (!first.ok) throw new Error("A should own a fresh database");
    const fenceA = { owner: "A", token: first.token };
    expect(acquireLock(b, "B", at(30_000), 60_000)).toMatchObject({ ok: false, holder: { owner: "A", pid: process.pid } });
    expect(refreshLock(a, fenceA, at(50_000))).toBe(true);
    expect(acquireLock(b, "B", at(100_000), 60_000).ok).toBe(false);
    const second = acquireLock(b, "B", at(111_000), 60_000); // A went silent for more than a lease
    expect(second).toEqual({ ok: true, token: first.token + 1 });
    expect(refreshLock(a, fenceA, at(112_000))).toBe(false);
    releaseLock(a, fenceA); // not A's any more: nothing happens
    expect(acquireLock(a, "A", at(113_000), 60_000).ok).toBe(false);
    if (second.ok) releaseLock(b, { owner: "B", token: second.token });
    expect(acquireLock(a, "A", at(114_000), 60_000)).toMatchObject({ ok: true });
    a.close();
    b.close();
  });

  it("takes a lock at once when its owner's pid is gone on this host", () => {
    const { a, b } = two();
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid; // a pid that just ended
    expect(acquireLock(a, "A", t0, 60_000, (pid) => pid !== dead).ok).toBe(true);
    a.prepare("UPDATE controller_lock SET pid = ?").run(dead);
    expect(acquireLock(b, "B", at(1_000), 60_000, (pid) => pid !== dead).ok).toBe(true);
    a.close();
    b.close();
  });

  it("fences the writes of a controller that lost its lock, and only its writes", async () => {
    const { a, b } = two();
    const first = acquireLock(a, "A", t0, 60_000);
    if (!first.ok) throw new Error("A should own a fresh database");
    fenceWrites(sqliteSql(a), { owner: "A", token: first.token });
    await expect(checkFence(sqliteSql(a))).resolves.toBeUndefined();
    expect(acquireLock(b, "B", at(120_000), 60_000).ok).toBe(true);
    await expect(checkFence(sqliteSql(a))).rejects.toThrow(/lost the database's lock/);
    await expect(checkFence(sqliteSql(b))).resolves.toBeUndefined(); // B set no fence: the CLI's connections pass
    a.close();
    b.close();
  });
});
