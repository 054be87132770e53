import type { FastifyInstance } from "fastify";

/**
 * GET /metrics (SPEC §5): Prometheus text format from the server's
 * ControllerMetrics (metrics-registry.ts), which reads no history: counts of
 * what is waiting or running come from indexes, the rest was observed as it
 * happened.
 */
export default async function metrics(app: FastifyInstance): Promise<void> {
  app.get("/metrics", async (_request, reply) => {
    const { metrics } = app.deps;
    const text = await metrics.scrape();
    return reply.type(metrics.contentType).send(text);
  });
}
