import { defineCommand } from "./support/command.js";
import { CommandError, UsageError } from "./support/errors.js";
import { openStore } from "./support/open-store.js";

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
    const db = await openStore(ctx.common.db, { create: false, write: true });
    try {
      const { setEventPause } = await import("../controller/store/record-run-outcome.js");
      const { sqliteSql } = await import("../controller/store/sql/sqlite-sql.js");
      const reason = ctx.values.reason ?? "paused by hand";
      if (!(await setEventPause(sqliteSql(db), id, { paused: true, reason, at: new Date() }))) throw new CommandError(`no event "${id}" in the database`, "not-found");
      ctx.stdout(ctx.common.json ? JSON.stringify({ id, status: "paused", paused_reason: reason }) + "\n" : `paused ${id}: ${reason}\n`);
      return 0;
    } finally {
      db.close();
    }
  },
});
