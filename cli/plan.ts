import { existsSync } from "node:fs";
import type { CurrentObject } from "../controller/definitions/object-state.js";
import { defineCommand } from "./support/command.js";
import { UsageError } from "./support/errors.js";
import { formatDiagnostics } from "./support/format/index.js";
import { isOneOf } from "./support/one-of.js";
import { openStoreSql } from "./support/open-store.js";

const formats = ["text", "markdown", "json"] as const;

export const command = defineCommand({
  summary: "what a revision would change: objects, diffs, fire times, risks",
  help: `Usage: nexaas plan [--base REV] [--head REV] [--format text|markdown|json] [--detailed-exitcode]

Compares two states of the workspace and prints what applying the head would
do: each object created, updated or deleted, with field changes, unified diffs
of prompts and skills, the next 5 fire times of each new or changed event, and
risk flags (new script command, new webhook host, new MCP server, model change,
an event firing more than once a minute).

  --head REV           the revision to plan (default HEAD), read from git objects
  --base REV           compare with this revision instead of the database; with
                       both given no database is needed (CI on a pull request)
  --format FORMAT      text (default; colour on a terminal unless NO_COLOR),
                       markdown (a pull-request comment) or json; --json = json
  --detailed-exitcode  exit 0 when there is no change, 2 when there are changes,
                       1 on error

Without --base the base is what the database holds (the last applied revision),
or nothing when there is no database yet. In a repository with no commit yet
(a new workspace), plan without --head plans the working tree: what the first
commit of every file would do.

Exit codes: 0 success, 1 invalid head revision or failure, 2 usage error (or
changes, with --detailed-exitcode).`,
  options: {
    base: { type: "string" },
    head: { type: "string" },
    format: { type: "string", short: "f" },
    "detailed-exitcode": { type: "boolean" },
  },
  async run(ctx) {
    const format = ctx.common.json ? "json" : (ctx.values.format ?? "text");
    if (!isOneOf(formats, format)) throw new UsageError(`unknown format "${format}" (use ${formats.join(", ")})`);
    const { revisionState, worktreeState, asCurrent } = await import("../controller/reconcile/revision-state.js");
    const { SourceError } = await import("../controller/source/source-error.js");
    const { plan } = await import("../controller/reconcile/plan.js");
    const dir = ctx.common.workspace;
    const now = new Date();

    const head = await revisionState(dir, ctx.values.head ?? "HEAD", now).catch(async (error: unknown) => {
      // Before the first commit there is no HEAD to plan: the working tree is what it will be.
      if (ctx.values.head !== undefined || !(error instanceof SourceError) || error.code !== "empty-repository") throw error;
      ctx.stderr("nexaas plan: no commit yet: planning the working tree (what committing every file would do)\n");
      return worktreeState(dir, now);
    });
    if (!head.ok) {
      ctx.stderr(formatDiagnostics("text", head.diagnostics, { workspaceFromRepoRoot: "", toolVersion: "", color: false }));
      ctx.stderr(`nexaas plan: the head revision ${head.commit.slice(0, 12)} is invalid; apply would change nothing.\n`);
      return 1;
    }
    let base: { revision: string | null; current: CurrentObject[] };
    const baseRev = ctx.values.base;
    if (baseRev !== undefined) {
      const state = await revisionState(dir, baseRev, now);
      base = { revision: state.commit, current: asCurrent(state.objects, state.commit) };
    } else if (ctx.common.databaseUrl !== undefined || existsSync(ctx.common.db)) {
      const sql = await openStoreSql(ctx.common, { create: false });
      try {
        const { readObjects } = await import("../controller/store/read-objects.js");
        const { getSyncStatus } = await import("../controller/store/sync-status.js");
        base = { revision: (await getSyncStatus(sql)).last_applied_revision, current: await readObjects(sql) };
      } finally {
        await sql.close();
      }
    } else {
      base = { revision: null, current: [] };
    }

    const result = plan(head.objects, base.current, { base: base.revision, head: head.commit, now });
    if (format === "json") {
      const { renderPlanJson } = await import("../controller/reconcile/render-plan-json.js");
      ctx.stdout(renderPlanJson(result));
    } else if (format === "markdown") {
      const { renderPlanMarkdown } = await import("../controller/reconcile/render-plan-markdown.js");
      ctx.stdout(renderPlanMarkdown(result));
    } else {
      const { renderPlanText } = await import("../controller/reconcile/render-plan-text.js");
      ctx.stdout(renderPlanText(result, { color: process.stdout.isTTY === true && !ctx.env.NO_COLOR }));
    }
    if (ctx.values["detailed-exitcode"]) return result.changes.length > 0 ? 2 : 0;
    return 0;
  },
});
