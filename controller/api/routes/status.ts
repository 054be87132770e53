import type { FastifyInstance } from "fastify";
import { statusCounts } from "../../store/status-counts.js";
import { getSyncStatus } from "../../store/sync-status.js";
import { diagnosticSchema, nullableString, stringList } from "./schemas.js";

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
    queue: { type: "object", properties: { queued: count, running: count } },
    spend_today_usd: { type: "number" },
  },
} as const;

/** What is live, what was tried, counts of events and jobs, today's spend (SPEC §10 `status`, as `nexaas status --json`). */
export default async function status(app: FastifyInstance): Promise<void> {
  app.get("/api/status", { schema: { response: { 200: statusSchema } } }, async () => {
    const { db, clock } = app.deps;
    const sync = getSyncStatus(db);
    const counts = statusCounts(db, clock.now());
    return {
      last_applied_revision: sync.last_applied_revision,
      last_applied_at: sync.last_applied_at,
      last_attempted_revision: sync.last_attempted_revision,
      last_attempted_at: sync.last_attempted_at,
      last_result: sync.last_result,
      errors: sync.errors,
      drift: sync.drift,
      events: counts.events,
      queue: counts.queue,
      spend_today_usd: counts.spend_today_usd,
    };
  });
}
