import type { FastifyInstance } from "fastify";
import { getSyncStatus } from "../../store/sync-status.js";

const healthSchema = {
  type: "object",
  properties: {
    status: { type: "string" },
    database: { type: "string" },
    last_applied_revision: { type: ["string", "null"] },
    last_result: { type: ["string", "null"] },
    reason: { type: "string" },
    role: { type: "string", enum: ["leader", "follower"] },
    since: { type: "string" },
  },
} as const;

/** Liveness and readiness: the database answers and takes writes, and what the last reconcile did. */
export default async function health(app: FastifyInstance): Promise<void> {
  app.get(
    "/api/health",
    {
      schema: { response: { 200: healthSchema, 503: healthSchema } },
      // Public: liveness for a load balancer or an orchestrator, which holds no token.
      config: { public: true },
    },
    async (_request, reply) => {
      // A write fault the controller is riding out: reads may still work, but nothing runs.
      const fault = app.deps.storeHealth.fault;
      // On PostgreSQL, whether this controller leads, even while the store is away.
      const role = app.deps.role?.();
      const roleField = role ? { role } : {};
      if (fault) {
        return reply
          .code(503)
          .send({ status: "degraded", database: fault.code, last_applied_revision: null, last_result: null, reason: fault.message, since: fault.since.toISOString(), ...roleField });
      }
      try {
        const sync = await getSyncStatus(app.deps.sql);
        return { status: "ok", database: "ok", last_applied_revision: sync.last_applied_revision, last_result: sync.last_result, ...roleField };
      } catch {
        return reply.code(503).send({ status: "unavailable", database: "error", last_applied_revision: null, last_result: null, ...roleField });
      }
    },
  );
}
