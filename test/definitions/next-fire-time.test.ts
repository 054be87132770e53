import { describe, expect, it } from "vitest";
import { conditionTimezone, nextFireTime, nextFireTimes } from "../../controller/definitions/next-fire-time.js";

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe("nextFireTime", () => {
  it("fires a cron strictly after the given time, in the condition's time zone", () => {
    const cron = { type: "cron", expr: "0 9 * * 1-5", timezone: "Europe/Paris" } as const;
    // Monday 23 Nov 2026, 09:00 in Paris is 08:00 UTC (CET, +01:00).
    expect(nextFireTime(cron, new Date("2026-11-23T07:00:00Z"), "UTC")?.toISOString()).toBe("2026-11-23T08:00:00.000Z");
    // Exactly at a slot: that slot is past, the next weekday is due.
    expect(nextFireTime(cron, new Date("2026-11-23T08:00:00.000Z"), "UTC")?.toISOString()).toBe("2026-11-24T08:00:00.000Z");
    // A Friday after the slot: Monday.
    expect(nextFireTime(cron, new Date("2026-11-27T08:00:00.001Z"), "UTC")?.toISOString()).toBe("2026-11-30T08:00:00.000Z");
  });

  it("uses the default time zone when the condition names none", () => {
    const cron = { type: "cron", expr: "0 9 * * *" } as const;
    expect(nextFireTime(cron, new Date("2026-07-01T00:00:00Z"), "Europe/Paris")?.toISOString()).toBe("2026-07-01T07:00:00.000Z");
    expect(nextFireTime(cron, new Date("2026-07-01T00:00:00Z"), "UTC")?.toISOString()).toBe("2026-07-01T09:00:00.000Z");
  });

  it("moves a local time that DST skips to an hour later (Europe/Paris, 29 March 2026)", () => {
    const cron = { type: "cron", expr: "30 2 * * *", timezone: "Europe/Paris" } as const;
    expect(iso(nextFireTimes(cron, new Date("2026-03-27T12:00:00Z"), "UTC", 4))).toEqual([
      "2026-03-28T01:30:00.000Z", // 02:30 CET
      "2026-03-29T01:30:00.000Z", // 02:30 does not exist: 03:30 CEST
      "2026-03-30T00:30:00.000Z", // 02:30 CEST
      "2026-03-31T00:30:00.000Z",
    ]);
  });

  it("fires a local time that DST repeats once (Europe/Paris, 25 October 2026)", () => {
    const cron = { type: "cron", expr: "30 2 * * *", timezone: "Europe/Paris" } as const;
    expect(iso(nextFireTimes(cron, new Date("2026-10-23T12:00:00Z"), "UTC", 4))).toEqual([
      "2026-10-24T00:30:00.000Z", // 02:30 CEST
      "2026-10-25T00:30:00.000Z", // the first 02:30; the second (01:30Z) is not fired again
      "2026-10-26T01:30:00.000Z", // 02:30 CET
      "2026-10-27T01:30:00.000Z",
    ]);
  });

  it("gives the same times from any start, earlier or later, once the expression is parsed (it is kept and reset)", () => {
    const cron = { type: "cron", expr: "30 2 * * *", timezone: "Europe/Paris" } as const;
    const starts = ["2026-10-23T12:00:00.123Z", "2026-03-27T12:00:00.456Z", "2026-10-23T12:00:00.789Z"].map((d) => new Date(d));
    const [later, earlier, laterAgain] = starts.map((after) => iso(nextFireTimes(cron, after, "UTC", 2)));
    expect(earlier).toEqual(["2026-03-28T01:30:00.000Z", "2026-03-29T01:30:00.000Z"]);
    expect(later).toEqual(["2026-10-24T00:30:00.000Z", "2026-10-25T00:30:00.000Z"]);
    expect(laterAgain).toEqual(later);
  });

  it("reads 6-field cron with seconds first", () => {
    const cron = { type: "cron", expr: "*/20 * * * * *" } as const;
    expect(iso(nextFireTimes(cron, new Date("2026-11-23T08:59:59.500Z"), "UTC", 3))).toEqual([
      "2026-11-23T09:00:00.000Z",
      "2026-11-23T09:00:20.000Z",
      "2026-11-23T09:00:40.000Z",
    ]);
  });

  it("adds the interval, and its multiples for several", () => {
    const after = new Date("2026-11-23T09:00:00Z");
    expect(nextFireTime({ type: "interval", expr: "15m" }, after, "UTC")?.toISOString()).toBe("2026-11-23T09:15:00.000Z");
    expect(iso(nextFireTimes({ type: "interval", expr: 90 }, after, "UTC", 3))).toEqual([
      "2026-11-23T09:01:30.000Z",
      "2026-11-23T09:03:00.000Z",
      "2026-11-23T09:04:30.000Z",
    ]);
  });

  it("fires once only while the date is ahead", () => {
    const once = { type: "once", expr: "2026-12-01T09:00:00+01:00" } as const;
    expect(nextFireTime(once, new Date("2026-11-23T00:00:00Z"), "UTC")?.toISOString()).toBe("2026-12-01T08:00:00.000Z");
    expect(iso(nextFireTimes(once, new Date("2026-11-23T00:00:00Z"), "UTC", 5))).toEqual(["2026-12-01T08:00:00.000Z"]);
    expect(nextFireTime(once, new Date("2026-12-01T08:00:00Z"), "UTC")).toBeNull();
    expect(nextFireTime(once, new Date("2027-01-01T00:00:00Z"), "UTC")).toBeNull();
  });

  it("never fires a webhook on its own", () => {
    expect(nextFireTime({ type: "webhook", secret: "${HOOK_SECRET}" }, new Date(), "UTC")).toBeNull();
    expect(nextFireTimes({ type: "webhook", secret: "${HOOK_SECRET}" }, new Date(), "UTC", 5)).toEqual([]);
  });

  it("throws clearly on what validation rejects", () => {
    const after = new Date("2026-11-23T00:00:00Z");
    expect(() => nextFireTime({ type: "cron", expr: "not a cron" }, after, "UTC")).toThrow(/cron expression "not a cron" has 3 fields/);
    expect(() => nextFireTime({ type: "cron", expr: "0 25 * * *" }, after, "UTC")).toThrow(/hour "25": 25 is outside 0-23/);
    expect(() => nextFireTime({ type: "cron", expr: "* * * * *", timezone: "Mars/Olympus" }, after, "UTC")).toThrow(/unknown time zone "Mars\/Olympus"/);
    expect(() => nextFireTime({ type: "interval", expr: "soon" }, after, "UTC")).toThrow(/invalid interval/);
    expect(() => nextFireTime({ type: "once", expr: "tomorrow" }, after, "UTC")).toThrow(/invalid date-time/);
  });

  it("names the time zone of cron conditions only", () => {
    expect(conditionTimezone({ type: "cron", expr: "* * * * *", timezone: "Asia/Tokyo" }, "Europe/Paris")).toBe("Asia/Tokyo");
    expect(conditionTimezone({ type: "cron", expr: "* * * * *" }, "Europe/Paris")).toBe("Europe/Paris");
    expect(conditionTimezone({ type: "cron", expr: "* * * * *" }, undefined)).toBe("UTC");
    expect(conditionTimezone({ type: "interval", expr: "1h" }, "Europe/Paris")).toBeNull();
  });
});
