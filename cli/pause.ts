import { defineCommand } from "./support/command.js";
import { CommandError, UsageError } from "./support/errors.js";
import { openStoreSql } from "./support/open-store.js";

export const command = defineCommand({
  summary: "pause an event (kept across reconciles until resumed)",
  help: `Usage: nexaas pause ID [--reason TEXT] [--db PATH]

Stops an event from firing. The pause is runtime state: a reconcile keeps it,
and it lasts until \`nexaas resume ID\`. Queued runs still run.

Exit codes: 0 paused, 1 no such event or no database, 2 usage error.`,
  maxPositionals: 1,
  options: { reason: { type: "string" } },
  async run(ctx) {
    const [id] = ctx.positionals;
    if (id === undefined) throw new UsageError("which event? nexaas pause ID");
    const sql = await openStoreSql(ctx.common, { create: false, write: true });
    try {
      const { setEventPause } = await import("../controller/store/record-run-outcome.js");
      const reason = ctx.values.reason ?? "paused by hand";
      if (!(await setEventPause(sql, id, { paused: true, reason, at: new Date() }))) throw new CommandError(`no event "${id}" in the database`, "not-found");
      ctx.stdout(ctx.common.json ? JSON.stringify({ id, status: "paused", paused_reason: reason }) + "\n" : `paused ${id}: ${reason}\n`);
      return 0;
    } finally {
      await sql.close();
    }
  },
});
