// The status page's API types (ui/src/api.ts) are written apart from the
// controller's, since the browser bundle must not import server code; these
// checks, run by `npm run typecheck`, fail when the two drift apart.
import { describe, expectTypeOf, it } from "vitest";
import type { Diagnostic as ServerDiagnostic } from "../../controller/definitions/diagnostic.js";
import type { QueueDepth as ServerQueueDepth } from "../../controller/queue/queue-depth.js";
import type { RunSummary } from "../../controller/store/last-runs.js";
import type { ListedRun } from "../../controller/store/list-runs.js";
import type { EventSummary } from "../../controller/store/list-events.js";
import type { RunStepJson } from "../../controller/store/run-step-json.js";
import type { statusReport } from "../../controller/store/status-report.js";
import type { UsageTotals as ServerUsageTotals } from "../../controller/store/usage-summary.js";
import type { Diagnostic, Event, QueueDepth, Run, Status, Step, UsageTotals } from "../../ui/src/api.js";

describe("the status page's API types", () => {
  it("match the controller's", () => {
    expectTypeOf<Diagnostic>().toEqualTypeOf<ServerDiagnostic>();
    expectTypeOf<Step>().toExtend<RunStepJson>();
    expectTypeOf<RunStepJson>().toExtend<Step>();
    expectTypeOf<QueueDepth>().toExtend<ServerQueueDepth>();
    expectTypeOf<ServerQueueDepth>().toExtend<QueueDepth>();
    expectTypeOf<UsageTotals>().toEqualTypeOf<ServerUsageTotals>();
    expectTypeOf<RunSummary>().toExtend<Run>();
    expectTypeOf<ListedRun>().toExtend<Required<Run>>();
    expectTypeOf<EventSummary>().toExtend<Event>();
    expectTypeOf<Awaited<ReturnType<typeof statusReport>>>().toExtend<Status>();
  });
});
