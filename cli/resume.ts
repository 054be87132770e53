import { defineCommand } from "./support/command.js";
import { CommandError, UsageError } from "./support/errors.js";
import { openStoreSql } from "./support/open-store.js";

export const command = defineCommand({
  summary: "resume a paused event (and clear its failure count)",
  help: `Usage: nexaas resume ID [--db PATH]

Lets a paused event fire again and resets its count of consecutive failures.
Slots missed while it was paused follow its catchup policy.

Exit codes: 0 resumed, 1 no such event, an event that is not paused (nothing
changes: its failure count stays) or no database, 2 usage error.`,
  maxPositionals: 1,
  options: {},
  async run(ctx) {
    const [id] = ctx.positionals;
    if (id === undefined) throw new UsageError("which event? nexaas resume ID");
    const sql = await openStoreSql(ctx.common, { create: false, write: true });
    try {
      const { setEventPause } = await import("../controller/store/record-run-outcome.js");
      const { readEventRuntime } = await import("../controller/store/read-event-runtime.js");
      const runtime = await readEventRuntime(sql, id);
      if (!runtime) throw new CommandError(`no event "${id}" in the database`, "not-found");
      if (runtime.paused === 0) throw new CommandError(`${id} is not paused: nothing to resume`, "not-paused");
      await setEventPause(sql, id, { paused: false, at: new Date() });
      ctx.stdout(ctx.common.json ? JSON.stringify({ id, status: "active" }) + "\n" : `resumed ${id}\n`);
      return 0;
    } finally {
      await sql.close();
    }
  },
});
