import { describe, expect, it } from "vitest";
import { CronExpressionError, cronMacros, parseCronExpression } from "../../controller/definitions/cron-expression.js";
import { nextFireTimes } from "../../controller/definitions/next-fire-time.js";
import { validateWorkspace } from "../../controller/definitions/validate-workspace.js";
import { plan } from "../../controller/reconcile/plan.js";
import { slotsToFire } from "../../controller/scheduler/catch-up.js";
import { tempDir } from "../cli/helpers.js";
import { event } from "../reconcile/plan-objects.js";
import { baseWorkspace, dedent, writeTree } from "../support/tree.js";

// Friday 20 November 2026, 12:00 UTC.
const now = new Date("2026-11-20T12:00:00Z");
const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

/** The message a cron expression is refused with (fails the test when it is accepted). */
function refusal(expr: string): string {
  try {
    parseCronExpression(expr, { currentDate: now, tz: "UTC" });
  } catch (err) {
    expect(err).toBeInstanceOf(CronExpressionError);
    return (err as Error).message;
  }
  throw new Error(`"${expr}" was accepted`);
}

describe("cron macros", () => {
  const expected: Record<string, string[]> = {
    "@hourly": ["2026-11-20T13:00:00.000Z", "2026-11-20T14:00:00.000Z"],
    "@daily": ["2026-11-21T00:00:00.000Z", "2026-11-22T00:00:00.000Z"],
    "@midnight": ["2026-11-21T00:00:00.000Z", "2026-11-22T00:00:00.000Z"],
    "@weekly": ["2026-11-22T00:00:00.000Z", "2026-11-29T00:00:00.000Z"], // Sundays
    "@monthly": ["2026-12-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z"],
    "@yearly": ["2027-01-01T00:00:00.000Z", "2028-01-01T00:00:00.000Z"],
    "@annually": ["2027-01-01T00:00:00.000Z", "2028-01-01T00:00:00.000Z"],
  };

  it("covers the seven crontab macros, each the same as its expression", () => {
    expect(Object.keys(cronMacros).sort()).toEqual(Object.keys(expected).sort());
    for (const [macro, times] of Object.entries(expected)) {
      expect(iso(nextFireTimes({ type: "cron", expr: macro }, now, "UTC", 2)), macro).toEqual(times);
      expect(iso(nextFireTimes({ type: "cron", expr: cronMacros[macro] ?? "" }, now, "UTC", 2)), macro).toEqual(times);
    }
  });

  it("runs in the condition's time zone: @daily in Paris is 23:00 UTC in winter", () => {
    expect(iso(nextFireTimes({ type: "cron", expr: "@daily", timezone: "Europe/Paris" }, now, "UTC", 1))).toEqual(["2026-11-20T23:00:00.000Z"]);
  });

  it("are valid in an event, and the plan shows their next fire times", async () => {
    const dir = tempDir();
    const files = Object.fromEntries(
      Object.keys(expected).map((m) => [`events/${m.slice(1)}.yaml`, dedent(`
        condition:
          type: cron
          expr: "${m}"
        action:
          type: claude_chat
          prompt: hello
      `)]),
    );
    writeTree(dir, { ...baseWorkspace, ...files });
    const result = await validateWorkspace({ dir, now, frameworkDir: null });
    expect(result.diagnostics.filter((d) => d.rule === "cron-expression")).toEqual([]);

    const p = plan([event("nightly", { condition: { type: "cron", expr: "@midnight" } })], [], { base: "a".repeat(40), head: "b".repeat(40), now });
    expect(p.changes.find((c) => c.name === "nightly")?.next_fire_times.slice(0, 2)).toEqual(expected["@midnight"]);
  });

  it("are what the scheduler fires on: @hourly after a slot", () => {
    const r = slotsToFire({ condition: { type: "cron", expr: "@hourly" }, timezone: "UTC", catchupWindowMs: 3_600_000, due: new Date("2026-11-20T13:00:00Z"), now: new Date("2026-11-20T13:00:00.020Z"), catchup: "skip" });
    expect(r.slots.map((s) => s.at.toISOString())).toEqual(["2026-11-20T13:00:00.000Z"]);
    expect(r.next?.toISOString()).toBe("2026-11-20T14:00:00.000Z");
  });

  it("refuses a macro cron does not define, listing the ones it does", () => {
    for (const expr of ["@reboot", "@weekdays", "@every", "@"]) {
      const message = refusal(expr);
      expect(message).toContain(`unknown macro "${expr}"`);
      expect(message).toContain("@hourly, @daily, @midnight");
    }
  });
});

describe("cron errors name the field and its allowed range", () => {
  const cases: [expr: string, field: string, allowed: string, reason: RegExp][] = [
    // Each field out of range.
    ["60 * * * * *", "second", "0-59", /60 is outside 0-59/],
    ["61 * * * *", "minute", "0-59", /61 is outside 0-59/],
    ["0 24 * * *", "hour", "0-23", /24 is outside 0-23/],
    ["0 9 0 * *", "day of month", "1-31 or L", /0 is outside 1-31/],
    ["0 9 32 * *", "day of month", "1-31 or L", /32 is outside 1-31/],
    ["0 9 * 13 *", "month", "1-12 or JAN-DEC", /13 is outside 1-12/],
    ["0 9 * 0 *", "month", "1-12 or JAN-DEC", /0 is outside 1-12/],
    ["0 9 * * 8", "day of week", "0-7 (0 and 7 are Sunday) or SUN-SAT", /8 is outside 0-7/],
    // Ranges.
    ["0 9 29-L * *", "day of month", "1-31 or L", /the range "29-L" must join two values in 1-31; "L" cannot end a range/],
    ["50-10 * * * *", "minute", "0-59", /the range "50-10" runs backwards \(50 > 10\)/],
    ["0 20-25 * * *", "hour", "0-23", /the range "20-25" must join two values in 0-23: 25 is outside 0-23/],
    ["1-2-3 * * * *", "minute", "0-59", /"1-2-3" is not a range/],
    ["0 9 * jan-foo *", "month", "1-12 or JAN-DEC", /"foo" is not a number/],
    ["0 9 * * MON-", "day of week", "SUN-SAT", /a value is missing/],
    // Steps.
    ["*/0 * * * *", "minute", "0-59", /the step "0" must be a whole number of at least 1/],
    ["0 */x * * *", "hour", "0-23", /the step "x"/],
    ["0 9 */-2 * *", "day of month", "1-31 or L", /the step "-2"/],
    ["*/5/2 * * * *", "minute", "0-59", /more than one step/],
    // Lists, names and specials.
    ["1,,2 * * * *", "minute", "0-59", /an empty item in the list "1,,2"/],
    ["0 9 * * funday", "day of week", "SUN-SAT", /cannot resolve alias|"funday"/],
    ["0 9 * * 1#6", "day of week", "n#k", /"1#6" is not n#k/],
    ["0 9 * * 9L", "day of week", "nL", /misplaces L/],
    ["0 nine * * *", "hour", "0-23", /"nine"|nine/],
  ];

  it.each(cases)("%s: %s", (expr, field, allowed, reason) => {
    const message = refusal(expr);
    expect(message).toContain(`cron expression "${expr}": ${field} "`);
    expect(message).toContain(`${field} allows `);
    expect(message).toContain(allowed);
    expect(message).toMatch(reason);
    expect(message).not.toMatch(/Constraint error|NaN|Validation error/);
  });

  it("says how many fields are expected, and lists the macros, on a wrong count", () => {
    for (const [expr, count] of [["0 9 * *", "4 fields"], ["* * * * * * *", "7 fields"], ["", "0 fields"], ["daily", "1 field;"]] as const) {
      const message = refusal(expr);
      expect(message).toContain(`cron expression "${expr}" has ${count}`);
      expect(message).toContain("expected 5 (minute hour day-of-month month day-of-week), 6 (second first) or a macro: @hourly, @daily, @midnight, @weekly, @monthly, @yearly, @annually");
    }
  });

  it("names the two fields when a day of month falls in none of the months", () => {
    expect(refusal("0 0 31 2 *")).toBe('cron expression "0 0 31 2 *": day of month "31" never falls in month "2"');
  });

  it("accepts what cron-parser accepts: names, L, nL, n#k, lists, steps, 6 fields", () => {
    for (const expr of ["0 9 * * MON-FRI", "0 0 L * *", "0 0 * * 5L", "0 0 * * 1#2", "0,30 8-18/2 * JAN,JUL *", "*/15 * * * * *", "0 0 29 2 *"]) {
      expect(() => parseCronExpression(expr, { currentDate: now, tz: "UTC" }), expr).not.toThrow();
    }
  });

  it("reaches validation with the field's message, on the expression's line", async () => {
    const dir = tempDir();
    writeTree(dir, { ...baseWorkspace, "events/late.yaml": dedent(`
      condition:
        type: cron
        expr: "0 9 29-L * *"
      action:
        type: claude_chat
        prompt: hello
    `) });
    const result = await validateWorkspace({ dir, now, frameworkDir: null });
    const found = result.diagnostics.filter((d) => d.rule === "cron-expression");
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ file: "events/late.yaml", line: 3, severity: "error" });
    expect(found[0]?.message).toMatch(/day of month "29-L".*1-31 or L/);
  });
});
