import type { FastifyInstance } from "fastify";
import { statusReport } from "../../store/status-report.js";
import { diagnosticSchema, nullableNumber, nullableString, stringList } from "./schemas.js";

const count = { type: "integer" } as const;
const statusSchema = {
  type: "object",
  properties: {
    last_applied_revision: nullableString,
    last_applied_at: nullableString,
    last_attempted_revision: nullableString,
    last_attempted_at: nullableString,
    last_result: nullableString,
    errors: { type: "array", items: diagnosticSchema },
    drift: stringList,
    events: { type: "object", properties: { active: count, paused: count, disabled: count, expired: count } },
    queue: { type: "object", properties: { queued: count, running: count, ready: count } },
    spend_today_usd: { type: "number" },
    budget_daily_usd: nullableNumber,
  },
} as const;

/** What is live, what was tried, counts of events and jobs, today's spend and the daily budget (SPEC §10 `status`, as `nexaas status --json`). */
export default async function status(app: FastifyInstance): Promise<void> {
  app.get("/api/status", { schema: { response: { 200: statusSchema } } }, async () => {
    const { sql, clock } = app.deps;
    return statusReport(sql, clock.now());
  });
}
