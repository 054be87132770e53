import type { ReconcileResult } from "../controller/reconcile/reconcile.js";
import { defineCommand } from "./support/command.js";
import { formatDiagnostics } from "./support/format/index.js";
import { openStoreSql } from "./support/open-store.js";

export const command = defineCommand({
  summary: "reconcile one revision into the database, once, and exit",
  help: `Usage: nexaas apply [--revision REV] [--force] [--workspace DIR] [--db PATH] [--json]

Reads the revision's tree from git objects (default HEAD; never the working
tree), validates every file, plans the change against the database and
applies it in one SQLite transaction. If any file is invalid nothing is
applied: the last good revision stays live and \`nexaas status\` lists every
error. A revision whose workspace tree is already live is a no-op.

  --revision REV  the commit, branch or tag to apply (default HEAD)
  --force         plan even when the tree is already live, putting back rows
                  edited out of band (drift)
  --verbose       print the whole plan (field and prompt diffs, fire times,
                  risks), as \`nexaas plan\` shows it; by default apply prints
                  counts and the names of the objects it changed

Exit codes: 0 applied or unchanged, 1 invalid revision or failure, 2 usage error.`,
  options: {
    revision: { type: "string", short: "r" },
    force: { type: "boolean" },
    verbose: { type: "boolean", short: "v" },
  },
  async run(ctx) {
    const { reconcile } = await import("../controller/reconcile/reconcile.js");
    const { resolveRevision } = await import("../controller/source/resolve-revision.js");
    const revision = ctx.values.revision ?? "HEAD";
    // A typo in --workspace or --revision fails here, before a database is created.
    await resolveRevision(ctx.common.workspace, revision);
    const sql = await openStoreSql(ctx.common, { create: true });
    try {
      const result = await reconcile(sql, { dir: ctx.common.workspace, revision, force: ctx.values.force === true }).catch(async (error: unknown) => {
        const { recordFailed } = await import("../controller/store/sync-status.js");
        await recordFailed(sql, { revision: null, at: new Date(), message: error instanceof Error ? error.message : String(error) });
        throw error;
      });
      const short = result.revision.slice(0, 12);
      if (ctx.common.json) {
        ctx.stdout(JSON.stringify(toJson(result), null, 2) + "\n");
      } else if (result.result === "unchanged") {
        ctx.stdout(`No changes: the workspace tree of ${short} is already live (apply --force also puts back rows edited out of band).\n`);
      } else if (result.result === "invalid") {
        ctx.stderr(formatDiagnostics("text", result.diagnostics, { workspaceFromRepoRoot: "", toolVersion: "", color: false }));
        ctx.stderr(`Revision ${short} is invalid: nothing was applied; the last good revision stays live.\n`);
      } else {
        if (ctx.values.verbose === true) {
          const { renderPlanText } = await import("../controller/reconcile/render-plan-text.js");
          if (result.plan.changes.length > 0) ctx.stdout(renderPlanText(result.plan, { color: false }));
        } else ctx.stdout(changeSummary(result.plan.changes));
        const a = result.applied;
        ctx.stdout(`Applied ${short}: ${a.created} created, ${a.updated} updated, ${a.deleted} deleted${a.cancelledJobs ? `, ${a.cancelledJobs} queued jobs cancelled` : ""}.\n`);
        if (result.plan.drift.length > 0) ctx.stdout(`Drift put back: ${result.plan.drift.join(", ")}\n`);
      }
      return result.result === "invalid" ? 1 : 0;
    } finally {
      await sql.close();
    }
  },
});

function toJson(result: ReconcileResult) {
  if (result.result === "unchanged") return { result: result.result, revision: result.revision };
  if (result.result === "invalid") return { result: result.result, revision: result.revision, errors: result.diagnostics };
  const { plan, applied } = result;
  return {
    result: result.result,
    revision: result.revision,
    created: applied.created,
    updated: applied.updated,
    deleted: applied.deleted,
    cancelled_jobs: applied.cancelledJobs,
    drift: plan.drift,
    changes: plan.changes.map((c) => ({ kind: c.kind, name: c.name, op: c.op, fields: c.fields, next_fire_times: c.next_fire_times, risks: c.risks })),
  };
}

/** One line per kind of change, naming each object: kind/name, marked when the framework layer provides it. */
function changeSummary(changes: readonly { kind: string; name: string; op: string; layer: string }[]): string {
  const lines: string[] = [];
  for (const [op, word] of [["create", "created"], ["update", "updated"], ["delete", "deleted"]] as const) {
    const names = changes.filter((c) => c.op === op).map((c) => `${c.kind}/${c.name}${c.layer === "framework" ? " (framework)" : ""}`);
    if (names.length > 0) lines.push(`${word} (${names.length}): ${names.join(", ")}`);
  }
  return lines.length > 0 ? lines.join("\n") + "\n" : "";
}
