// The status page's overview reads indexes, not tables (migration 000008, bench/status-page.bench.mjs).
import { describe, expect, it } from "vitest";
import { listRuns } from "../../controller/store/list-runs.js";
import { statusReport } from "../../controller/store/status-report.js";
import { planOf, recordStatements, tableScans } from "../support/query-plans.js";
import { freshDb, t0 } from "./helpers.js";

describe("the overview's queries", () => {
  it("read no whole table: the status (events by state, the queue, today's spend) and the last failed runs", async () => {
    const { db } = freshDb();
    const statements = recordStatements(db);
    await statusReport(db, t0);
    listRuns(db, { status: "failed", limit: 100 });
    expect(statements.length).toBeGreaterThan(3);
    for (const sql of statements) expect(tableScans(planOf(db, sql)), sql).toEqual([]);
    const failedRuns = statements.find((sql) => sql.includes("status = 'failed'"));
    expect(planOf(db, failedRuns ?? "")).toMatch(/USING (COVERING )?INDEX event_runs_failed/);
    const eventStates = statements.find((sql) => sql.includes("GROUP BY enabled, paused, expires_at"));
    expect(planOf(db, eventStates ?? "")).toMatch(/USING (COVERING )?INDEX events_state/);
  });

  it("refuses a run status that is not one", () => {
    const { db } = freshDb();
    expect(() => listRuns(db, { status: "gone" as "failed", limit: 1 })).toThrow(/no run status "gone"/);
  });
});
