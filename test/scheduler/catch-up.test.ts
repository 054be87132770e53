import { describe, expect, it } from "vitest";
import { slotsToFire } from "../../controller/scheduler/catch-up.js";

const iso = (s: { at: Date; trigger: string }) => `${s.at.toISOString()} ${s.trigger}`;
const hourly = { type: "cron" as const, expr: "0 * * * *" };

describe("which slots fire after downtime (catchup, catchup_window)", () => {
  const base = { condition: hourly, timezone: "UTC", catchupWindowMs: 3 * 3_600_000 };
  const due = new Date("2026-11-23T05:00:00.000Z");
  const now = new Date("2026-11-23T09:30:00.000Z"); // down from 05:00 to 09:30

  it("skip: none of the missed slots", () => {
    const r = slotsToFire({ ...base, due, now, catchup: "skip" });
    expect(r.slots).toEqual([]);
    expect(r.next?.toISOString()).toBe("2026-11-23T10:00:00.000Z");
  });

  it("once: only the latest missed slot inside the window", () => {
    const r = slotsToFire({ ...base, due, now, catchup: "once" });
    expect(r.slots.map(iso)).toEqual(["2026-11-23T09:00:00.000Z catchup"]);
  });

  it("all: every missed slot inside the window, none older", () => {
    const r = slotsToFire({ ...base, due, now, catchup: "all" });
    expect(r.slots.map(iso)).toEqual(["2026-11-23T07:00:00.000Z catchup", "2026-11-23T08:00:00.000Z catchup", "2026-11-23T09:00:00.000Z catchup"]);
  });

  it("fires a slot that is merely late as scheduled", () => {
    const r = slotsToFire({ ...base, due: new Date("2026-11-23T09:00:00.000Z"), now: new Date("2026-11-23T09:00:00.040Z"), catchup: "skip" });
    expect(r.slots.map(iso)).toEqual(["2026-11-23T09:00:00.000Z schedule"]);
  });

  it("a once event is done after its slot", () => {
    const r = slotsToFire({ ...base, condition: { type: "once", expr: "2026-11-23T09:00:00Z" }, due: new Date("2026-11-23T09:00:00Z"), now: new Date("2026-11-23T09:00:00.010Z"), catchup: "once" });
    expect(r.slots).toHaveLength(1);
    expect(r.next).toBeNull();
  });

  it("stops at expires_at", () => {
    const r = slotsToFire({ ...base, due: new Date("2026-11-23T09:00:00Z"), now: new Date("2026-11-23T09:00:00.010Z"), catchup: "once", expiresAt: new Date("2026-11-23T09:30:00Z") });
    expect(r.slots).toHaveLength(1);
    expect(r.next).toBeNull();
  });

  it("follows a DST zone across the transition (Europe/Paris, 30 2 * * *)", () => {
    const condition = { type: "cron" as const, expr: "30 2 * * *" };
    // 2027-03-28: 02:30 local does not exist (clocks jump 02:00 -> 03:00); cron-parser moves it.
    const r = slotsToFire({ ...base, condition, timezone: "Europe/Paris", due: new Date("2027-03-27T01:30:00Z"), now: new Date("2027-03-27T01:30:00.005Z"), catchup: "skip" });
    expect(r.slots.map(iso)).toEqual(["2027-03-27T01:30:00.000Z schedule"]);
    const next = r.next;
    expect(next).not.toBeNull();
    // After the change the local 02:30 is UTC+2: the following days fire at 00:30Z.
    const after = slotsToFire({ ...base, condition, timezone: "Europe/Paris", due: new Date("2027-03-29T00:30:00Z"), now: new Date("2027-03-29T00:30:00.001Z"), catchup: "skip" });
    expect(after.next?.toISOString()).toBe("2027-03-30T00:30:00.000Z");
  });
});
