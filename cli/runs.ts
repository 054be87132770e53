import { defineCommand } from "./support/command.js";
import { CommandError, UsageError } from "./support/errors.js";
import { isOneOf } from "./support/one-of.js";
import { openStoreSql } from "./support/open-store.js";

const statuses = ["queued", "running", "success", "failed", "cancelled"] as const;

export const command = defineCommand({
  summary: "list runs, or show one with its output, error and transcript",
  help: `Usage: nexaas runs [RUN] [--event ID] [--status STATUS] [--limit N] [--json]

Without RUN: the newest runs (default 20), filtered by event or status
(queued, running, success, failed, cancelled). With RUN: that run whole,
with why its agent stopped (stop reason) and, for claude_chat and skill
runs, its transcript: per attempt, each model turn (agent, model, stop
reason, tokens, cost) and each tool call (tool, server, ok or error,
duration, input on one line, the output's first lines), a sub-agent's steps
indented under its caller. --json gives every step whole, as \`steps\`.

Exit codes: 0 success, 1 no such run or no database, 2 usage error.`,
  maxPositionals: 1,
  options: { event: { type: "string" }, status: { type: "string" }, limit: { type: "string" } },
  async run(ctx) {
    const status = ctx.values.status;
    if (status !== undefined && !isOneOf(statuses, status)) throw new UsageError(`--status ${status}: use ${statuses.join(", ")}`);
    const limit = Number(ctx.values.limit ?? 20);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new UsageError("--limit takes a whole number from 1 to 10000");
    const [runArg] = ctx.positionals;
    if (runArg !== undefined && !/^[1-9]\d*$/.test(runArg)) throw new UsageError(`RUN is a run's number (e.g. nexaas runs 42), not "${runArg}"; for an event's runs: nexaas runs --event ${runArg}`);
    const sql = await openStoreSql(ctx.common, { create: false });
    try {
      const { listRuns, readRun } = await import("../controller/store/list-runs.js");
      if (runArg !== undefined) {
        const run = await readRun(sql, Number(runArg));
        if (!run) throw new CommandError(`no run ${runArg}`, "not-found");
        const { readRunStepsJson } = await import("../controller/store/run-step-json.js");
        const steps = await readRunStepsJson(sql, run.id);
        if (ctx.common.json) ctx.stdout(JSON.stringify({ ...run, steps }, null, 2) + "\n");
        else {
          ctx.stdout(`#${run.id} ${run.event_id} ${run.status} (attempt ${run.attempt}, ${run.trigger}) for ${run.scheduled_for}\n`);
          ctx.stdout(`  started ${run.started_at ?? "-"}, finished ${run.finished_at ?? "-"}${run.duration_ms !== null ? `, ${run.duration_ms} ms` : ""}\n`);
          if (run.stop_reason) ctx.stdout(`  stop reason: ${run.stop_reason}\n`);
          if (run.error) ctx.stdout(`  error: ${run.error}\n`);
          if (run.output) ctx.stdout(`  output:\n${run.output.replace(/^/gm, "    ")}\n`);
          if (steps.length > 0) {
            const { formatTranscript } = await import("./support/transcript.js");
            ctx.stdout(formatTranscript(steps));
          }
        }
        return 0;
      }
      const runs = await listRuns(sql, {
        ...(typeof ctx.values.event === "string" ? { eventId: ctx.values.event } : {}),
        ...(status !== undefined ? { status } : {}),
        limit,
      });
      if (ctx.common.json) ctx.stdout(JSON.stringify(runs, null, 2) + "\n");
      else if (runs.length === 0) ctx.stdout("no runs\n");
      else for (const r of runs) ctx.stdout(`#${r.id}  ${r.event_id}  ${r.status}  ${r.scheduled_for}${r.duration_ms !== null ? `  ${r.duration_ms} ms` : ""}${r.error ? `  ${r.error.split("\n", 1)[0]}` : ""}\n`);
      return 0;
    } finally {
      await sql.close();
    }
  },
});
