import { describe, expect, it } from "vitest";
import type { Run } from "../../ui/src/api.js";
import { matchPath } from "../../ui/src/match-path.js";
import { recentFailures } from "../../ui/src/recent-failures.js";
import { safeNext } from "../../ui/src/safe-next.js";

describe("status page routes", () => {
  it("matches paths and decodes their parameters", () => {
    expect(matchPath("/", "/")).toEqual({});
    expect(matchPath("/runs", "/runs/")).toEqual({});
    expect(matchPath("/runs/:id", "/runs/12")).toEqual({ id: "12" });
    expect(matchPath("/events/:id", "/events/daily%20report")).toEqual({ id: "daily report" });
    expect(matchPath("/runs/:id", "/runs")).toBeNull();
    expect(matchPath("/runs/:id", "/runs/12/x")).toBeNull();
    expect(matchPath("/events/:id", "/events/%E0%A4%A")).toBeNull();
  });

  it("returns after sign-in only to a path of this app", () => {
    expect(safeNext("/runs/12?x=1")).toBe("/runs/12?x=1");
    for (const next of [null, "https://evil.example", "//evil.example", "/\\evil.example", "/login?next=/", "runs"]) expect(safeNext(next)).toBe("/");
  });
});

describe("the overview's failures of the last 24 hours", () => {
  const now = new Date("2026-11-23T12:00:00Z");
  const run = (id: number, finishedAt: string): Run => ({
    id,
    event_id: "e",
    status: "failed",
    attempt: 1,
    scheduled_for: finishedAt,
    started_at: finishedAt,
    finished_at: finishedAt,
    duration_ms: 1,
    output: null,
    error: "boom",
  });

  it("keeps the runs that ended in the last day, and says when there may be more", () => {
    const page = [run(3, "2026-11-23T11:00:00Z"), run(2, "2026-11-22T12:30:00Z"), run(1, "2026-11-22T11:00:00Z")];
    expect(recentFailures(page, now, 3)).toEqual({ runs: page.slice(0, 2), more: false });
    expect(recentFailures(page.slice(0, 2), now, 2).more).toBe(true);
  });
});
