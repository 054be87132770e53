import type { FastifyInstance } from "fastify";
import type { RunSummary } from "../../store/last-runs.js";
import { listRuns, readRun } from "../../store/list-runs.js";
import { readRunStepsJson } from "../../store/run-step-json.js";
import { badRequest, errorSchema, isOneOf, nextBefore, notFound, nullableNumber, nullableString, pageQuery, positiveInteger, queryValue } from "./schemas.js";

const runStatuses: readonly RunSummary["status"][] = ["queued", "running", "success", "failed", "cancelled"];
const defaultLimit = 50;
const maxLimit = 500;

const runProperties = {
  id: { type: "integer" },
  event_id: { type: "string" },
  status: { type: "string" },
  attempt: { type: "integer" },
  scheduled_for: { type: "string" },
  started_at: nullableString,
  finished_at: nullableString,
  duration_ms: nullableNumber,
  output: nullableString,
  error: nullableString,
  trigger: { type: "string" },
  stop_reason: nullableString,
} as const;
/** One run (SPEC §10 `runs`); `trigger` and `stop_reason` when the query has them. */
export const runSchema = { type: "object", properties: runProperties } as const;
const nullableInteger = { type: ["integer", "null"] } as const;
/** One model turn or tool call of a run (SPEC §11 `steps`), in run_steps' column names. */
const stepSchema = {
  type: "object",
  properties: {
    attempt: { type: "integer" },
    seq: { type: "integer" },
    kind: { type: "string" },
    agent: { type: "string" },
    depth: { type: "integer" },
    model: nullableString,
    stop_reason: nullableString,
    input_tokens: nullableInteger,
    output_tokens: nullableInteger,
    cache_creation_input_tokens: nullableInteger,
    cache_read_input_tokens: nullableInteger,
    cost_usd: nullableNumber,
    tool: nullableString,
    server: nullableString,
    input: nullableString,
    output: nullableString,
    is_error: { type: ["boolean", "null"] },
    duration_ms: { type: "integer" },
    started_at: { type: "string" },
  },
} as const;
const runDetailSchema = {
  type: "object",
  properties: { ...runProperties, payload: nullableString, steps: { type: "array", items: stepSchema } },
} as const;
const runPageSchema = {
  type: "object",
  properties: { runs: { type: "array", items: runSchema }, next_before: { type: ["integer", "null"] } },
} as const;

/** Runs newest first (filters: event, status; cursor: before = the previous page's next_before), and one run with its steps. */
export default async function runs(app: FastifyInstance): Promise<void> {
  app.get("/api/runs", { schema: { response: { 200: runPageSchema, 400: errorSchema } } }, async (request, reply) => {
    const eventId = queryValue(request.query, "event");
    const status = queryValue(request.query, "status");
    if (status !== undefined && !isOneOf(runStatuses, status)) {
      return badRequest(reply, `status must be one of ${runStatuses.join(", ")}; got ${JSON.stringify(status)}`);
    }
    const query = pageQuery(request.query, defaultLimit, maxLimit);
    if (typeof query === "string") return badRequest(reply, query);
    const page = await listRuns(app.deps.sql, { eventId, status, ...query });
    return { runs: page, next_before: nextBefore(page, query.limit) };
  });

  app.get<{ Params: { id: string } }>("/api/runs/:id", { schema: { response: { 200: runDetailSchema, 404: errorSchema } } }, async (request, reply) => {
    const id = positiveInteger(request.params.id, "id");
    const run = typeof id === "number" ? await readRun(app.deps.sql, id) : undefined;
    if (!run) return notFound(reply, `no run ${JSON.stringify(request.params.id)}`);
    return { ...run, steps: await readRunStepsJson(app.deps.sql, run.id) };
  });
}
