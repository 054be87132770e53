import type { FastifyInstance } from "fastify";
import { nextFireTimes } from "../../definitions/next-fire-time.js";
import type { EventStatus } from "../../store/event-status.js";
import { lastRuns } from "../../store/last-runs.js";
import { type EventSummary, listEvents } from "../../store/list-events.js";
import { workspaceTimezone } from "../../store/workspace-timezone.js";
import { runSchema } from "./runs.js";
import { anyObject, badRequest, errorSchema, isOneOf, notFound, nullableString, queryValue } from "./schemas.js";

const statuses: readonly EventStatus[] = ["active", "paused", "disabled", "expired"];

const eventProperties = {
  id: { type: "string" },
  status: { type: "string" },
  agent: nullableString,
  layer: { type: "string" },
  condition: {
    type: "object",
    properties: { type: { type: "string" }, expr: { type: ["string", "number", "null"] }, timezone: nullableString },
  },
  condition_spec: { anyOf: [anyObject, { type: "null" }] },
  next_fire_at: nullableString,
  consecutive_failures: { type: "integer" },
  paused_reason: nullableString,
  description: nullableString,
  enabled: { type: "boolean" },
  origin: { type: "string" },
  file: { type: "string" },
} as const;
const eventSchema = { type: "object", properties: eventProperties } as const;
const eventDetailSchema = {
  type: "object",
  properties: { ...eventProperties, next_fire_times: { type: "array", items: { type: "string" } }, last_runs: { type: "array", items: runSchema } },
} as const;

/** The next five fire times of an active, scheduled event: its stored next fire time, then what follows by its condition. */
function upcoming(workspaceZone: string, event: EventSummary): string[] {
  if (event.status !== "active" || event.next_fire_at === null || event.condition_spec === null) return [];
  const first = new Date(event.next_fire_at);
  try {
    return [first, ...nextFireTimes(event.condition_spec, first, workspaceZone, 4)].map((d) => d.toISOString());
  } catch {
    // A condition the applier accepted should always parse; if not, the stored time is still true.
    return [first.toISOString()];
  }
}

/** Events with their computed status (filters: status, agent; pages: limit (default 100), after), and one event with its next fire times and last runs. */
export default async function events(app: FastifyInstance): Promise<void> {
  app.get("/api/events", { schema: { response: { 200: { type: "array", items: eventSchema }, 400: errorSchema } } }, async (request, reply) => {
    const status = queryValue(request.query, "status");
    const agent = queryValue(request.query, "agent");
    if (status !== undefined && !isOneOf(statuses, status)) {
      return badRequest(reply, `status must be one of ${statuses.join(", ")}; got ${JSON.stringify(status)}`);
    }
    const limitText = queryValue(request.query, "limit");
    const limit = limitText === undefined ? 100 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return badRequest(reply, `limit must be a whole number from 1 to 1000; got ${JSON.stringify(limitText)}`);
    const after = queryValue(request.query, "after");
    // Pages in id order: the answer stays an array (SPEC §10), the cursor travels in a header.
    const page = await listEvents(app.deps.sql, app.deps.clock.now(), { status, agent, after, limit });
    const last = page.at(-1);
    if (page.length === limit && last) void reply.header("x-next-after", last.id);
    return page;
  });

  app.get<{ Params: { id: string } }>("/api/events/:id", { schema: { response: { 200: eventDetailSchema, 404: errorSchema } } }, async (request, reply) => {
    const { sql, clock } = app.deps;
    const [event] = await listEvents(sql, clock.now(), { id: request.params.id });
    if (!event) return notFound(reply, `no event ${JSON.stringify(request.params.id)}`);
    return { ...event, next_fire_times: upcoming(await workspaceTimezone(sql), event), last_runs: await lastRuns(sql, event.id, 10) };
  });
}
