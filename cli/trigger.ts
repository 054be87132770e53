import { defineCommand } from "./support/command.js";
import { CommandError, UsageError } from "./support/errors.js";
import { openStoreSql } from "./support/open-store.js";

export const command = defineCommand({
  summary: "queue a run of an event now",
  help: `Usage: nexaas trigger ID [--payload JSON] [--force] [--db PATH]

Queues one run of the event now, as if it were due, with the payload as its
trigger payload ({{trigger.payload}} in templates). The running controller
picks it up at once; without one, it runs at the next \`nexaas start\`.
A paused or disabled event can be triggered by hand.

The event's policy applies as to any other run: its priority, retries and
concurrency key; with \`overlap: skip\` (the default) a run is not queued while
another run of the event is waiting or running, and the command says so.
--force queues it anyway.

Exit codes: 0 queued, 1 skipped by the policy, no such event or no database,
2 usage error (bad JSON).`,
  maxPositionals: 1,
  options: { payload: { type: "string" }, force: { type: "boolean" } },
  async run(ctx) {
    const [id] = ctx.positionals;
    if (id === undefined) throw new UsageError("which event? nexaas trigger ID");
    let payload: unknown = null;
    const raw = ctx.values.payload;
    if (raw !== undefined) {
      try {
        payload = JSON.parse(raw);
      } catch (error) {
        throw new UsageError(`--payload is not JSON: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const sql = await openStoreSql(ctx.common, { create: false, write: true });
    try {
      const { readEvent } = await import("../controller/store/read-event.js");
      const { queueRun } = await import("../controller/queue/queue-run.js");
      const event = await readEvent(sql, id);
      if (!event) throw new CommandError(`no event "${id}" in the database (is the revision that defines it applied?)`, "not-found");
      const now = new Date();
      const decision = await queueRun(sql, { event, trigger: "manual", scheduledFor: now, payload, force: ctx.values.force === true }, now);
      if ("skipped" in decision) {
        if (ctx.common.json) ctx.stdout(JSON.stringify({ skipped: decision.skipped, event_id: id }) + "\n");
        throw new CommandError(`not queued: ${decision.skipped}; --force queues it anyway`, "skipped");
      }
      const queued = decision.queued;
      ctx.stdout(ctx.common.json ? JSON.stringify({ run_id: queued.runId, event_id: id, status: "queued" }) + "\n" : `queued run #${queued.runId} of ${id}\n`);
      return 0;
    } finally {
      await sql.close();
    }
  },
});
