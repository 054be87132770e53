import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { acquireLock, refreshLock, releaseLock } from "../../controller/store/controller-lock.js";
import { openDatabase } from "../../controller/store/open-database.js";
import { tempDir } from "../cli/helpers.js";

describe("one controller per database", () => {
  it("refuses a second owner while the first is alive, and lets it take over a stale lock", () => {
    const path = join(tempDir(), "n.db");
    const a = openDatabase(path);
    const b = openDatabase(path);
    const t0 = new Date("2026-11-23T10:00:00Z");
    expect(acquireLock(a, "A", t0, 60_000)).toEqual({ ok: true });
    const refused = acquireLock(b, "B", new Date(t0.getTime() + 30_000), 60_000);
    expect(refused).toMatchObject({ ok: false, holder: { owner: "A", pid: process.pid } });
    expect(refreshLock(a, "A", new Date(t0.getTime() + 50_000))).toBe(true);
    expect(acquireLock(b, "B", new Date(t0.getTime() + 100_000), 60_000).ok).toBe(false);
    expect(acquireLock(b, "B", new Date(t0.getTime() + 200_000), 60_000)).toEqual({ ok: true }); // A went silent
    expect(refreshLock(a, "A", new Date(t0.getTime() + 210_000))).toBe(false);
    releaseLock(b, "B");
    expect(acquireLock(a, "A", new Date(t0.getTime() + 220_000), 60_000)).toEqual({ ok: true });
    a.close();
    b.close();
  });
});
