import type { FastifyInstance } from "fastify";
import { queueDepth } from "../../queue/queue-depth.js";
import { usageBetween } from "../../store/usage-between.js";
import { badRequest, errorSchema, nullableString, queryValue } from "./schemas.js";

const count = { type: "integer" } as const;
const queueSchema = {
  type: "object",
  properties: { queued: count, running: count, success: count, failed: count, cancelled: count, ready: count },
} as const;

const totals = {
  input_tokens: { type: "number" },
  output_tokens: { type: "number" },
  cache_creation_input_tokens: { type: "number" },
  cache_read_input_tokens: { type: "number" },
  cost_usd: { type: "number" },
  unpriced_calls: { type: "integer" },
} as const;
const breakdown = (key: string) => ({ type: "array", items: { type: "object", properties: { [key]: nullableString, ...totals } } }) as const;
const usageSchema = {
  type: "object",
  properties: {
    since: { type: "string" },
    until: nullableString,
    total: { type: "object", properties: totals },
    by_model: breakdown("model"),
    by_agent: breakdown("agent"),
    by_event: breakdown("event"),
    by_day: breakdown("day"),
  },
} as const;

function parseTime(text: string | undefined, name: string): Date | string | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? `${name} must be an ISO 8601 date or date-time; got ${JSON.stringify(text)}` : new Date(ms);
}

/** Jobs per state, and tokens and cost in [since, until) (since defaults to today's UTC midnight). */
export default async function queueAndUsage(app: FastifyInstance): Promise<void> {
  app.get("/api/queue", { schema: { response: { 200: queueSchema } } }, async () => queueDepth(app.deps.sql, app.deps.clock.now()));

  app.get("/api/usage", { schema: { response: { 200: usageSchema, 400: errorSchema } } }, async (request, reply) => {
    const since = parseTime(queryValue(request.query, "since"), "since");
    if (typeof since === "string") return badRequest(reply, since);
    const until = parseTime(queryValue(request.query, "until"), "until");
    if (typeof until === "string") return badRequest(reply, until);
    const now = app.deps.clock.now();
    const from = since ?? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    if (until && until.getTime() < from.getTime()) return badRequest(reply, "until must not be before since");
    return usageBetween(app.deps.sql, from, until ?? null);
  });
}
