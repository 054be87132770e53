import type { FastifyInstance } from "fastify";
import { listRevisions } from "../../store/list-revisions.js";
import { badRequest, diagnosticSchema, errorSchema, nextBefore, nullableString, pageQuery } from "./schemas.js";

const defaultLimit = 50;
const maxLimit = 500;

const revisionPageSchema = {
  type: "object",
  properties: {
    revisions: {
      type: "array",
      items: {
        type: "object",
        properties: { id: { type: "integer" }, revision: nullableString, result: { type: "string" }, reason: { type: "string" }, at: { type: "string" }, errors: { type: "array", items: diagnosticSchema } },
      },
    },
    next_before: { type: ["integer", "null"] },
  },
} as const;

/**
 * The reconcile history, newest first (cursor: before = the previous page's
 * next_before). `result` is applied, unchanged or refused; a refused one's
 * `reason` says whether its files were invalid or the reconcile failed (git, a
 * crash), and `errors` hold the diagnostics. `revision` is null for a failure
 * before any revision was resolved.
 */
export default async function revisions(app: FastifyInstance): Promise<void> {
  app.get("/api/revisions", { schema: { response: { 200: revisionPageSchema, 400: errorSchema } } }, async (request, reply) => {
    const query = pageQuery(request.query, defaultLimit, maxLimit);
    if (typeof query === "string") return badRequest(reply, query);
    const page = await listRevisions(app.deps.sql, query);
    return {
      revisions: page.map((r) => ({
        id: r.id,
        revision: r.revision,
        result: r.result === "invalid" || r.result === "error" ? "refused" : r.result,
        ...(r.result === "invalid" || r.result === "error" ? { reason: r.result } : {}),
        at: r.at,
        errors: r.errors,
      })),
      next_before: nextBefore(page, query.limit),
    };
  });
}
