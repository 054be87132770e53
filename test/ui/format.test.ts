import { describe, expect, it } from "vitest";
import { diagnosticLocation, formatBudgetShare, firstLine, formatCount, formatDuration, formatRelative, formatTime, formatUsd, plural, prettyJson, shortRevision } from "../../ui/src/format.js";

const en = { locale: "en-US" };
// ICU versions differ on the space before AM/PM (U+202F or U+0020).
const time = (iso: string | null, timeZone?: string) => formatTime(iso, { ...en, timeZone }).replace(/\u202f/g, " ");

describe("status page formatting", () => {
  it("shows a time in the given zone, and keeps text that is no date", () => {
    expect(time("2026-11-23T09:00:01.500Z", "Europe/Paris")).toBe("Nov 23, 2026, 10:00:01 AM");
    expect(time("2026-11-23T09:00:01.500Z", "America/New_York")).toBe("Nov 23, 2026, 4:00:01 AM");
    expect(time(null)).toBe("");
    expect(time("soon")).toBe("soon");
  });

  it("says how far a time is in its largest whole unit", () => {
    const now = new Date("2026-11-23T09:00:00Z");
    expect(formatRelative("2026-11-23T09:05:30Z", now, en)).toBe("in 5 minutes");
    expect(formatRelative("2026-11-23T06:00:00Z", now, en)).toBe("3 hours ago");
    expect(formatRelative("2026-11-24T09:00:00Z", now, en)).toBe("tomorrow");
    expect(formatRelative("2026-11-23T09:00:00.400Z", now, en)).toBe("now");
  });

  it("formats durations, money and counts for people", () => {
    expect([formatDuration(850), formatDuration(4_210), formatDuration(185_000), formatDuration(7_800_000), formatDuration(null)]).toEqual([
      "850 ms",
      "4.2 s",
      "3 min 5 s",
      "2 h 10 min",
      "",
    ]);
    expect([formatUsd(0.0042), formatUsd(12.5), formatUsd(0), formatUsd(null)]).toEqual(["$0.0042", "$12.50", "$0.00", "unpriced"]);
    expect(formatCount(1234567, en)).toBe("1,234,567");
    expect([plural(1, "turn"), plural(3, "turn")]).toEqual(["1 turn", "3 turns"]);
  });

  it("puts today's spend against the daily budget", () => {
    expect(formatBudgetShare(1.25, 5)).toBe("25% of the $5.00 daily budget");
    expect(formatBudgetShare(6, 5)).toBe("120% of the $5.00 daily budget");
    expect(formatBudgetShare(0.5, null)).toBe("");
    expect(formatBudgetShare(0, 0)).toBe("the daily budget is $0: model calls are stopped");
  });

  it("points at a diagnostic as file:line:column", () => {
    expect(diagnosticLocation({ file: "events/a.yaml", line: 3, column: 5 })).toBe("events/a.yaml:3:5");
    expect(diagnosticLocation({ file: "events/a.yaml", line: 3, column: 0 })).toBe("events/a.yaml:3");
    expect(diagnosticLocation({ file: "nexaas.yaml", line: 0, column: 0 })).toBe("nexaas.yaml");
  });

  it("indents JSON, leaves other text alone, and cuts cells to their first line", () => {
    expect(prettyJson('{"path":"a.csv"}')).toBe('{\n  "path": "a.csv"\n}');
    expect(prettyJson("<b>not json</b>")).toBe("<b>not json</b>");
    expect(firstLine("exit code 2\nstack", 120)).toBe("exit code 2");
    expect(firstLine("x".repeat(10), 5)).toBe("xxxx…");
    expect(shortRevision("3f2a9c1d7e5b4a6f8c0d")).toBe("3f2a9c1d7e5b");
    expect(shortRevision(null)).toBe("none");
  });
});
