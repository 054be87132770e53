import { defineCommand } from "./support/command.js";
import { CommandError, UsageError } from "./support/errors.js";
import { openStore } from "./support/open-store.js";

export const command = defineCommand({
  summary: "queue a run of an event now",
  help: `Usage: nexaas trigger ID [--payload JSON] [--db PATH]

Queues one run of the event now, as if it were due, with the payload as its
trigger payload ({{trigger.payload}} in templates). The running controller
picks it up at once; without one, it runs at the next \`nexaas start\`.
A paused or disabled event can be triggered by hand.

Exit codes: 0 queued, 1 no such event or no database, 2 usage error (bad JSON).`,
  maxPositionals: 1,
  options: { payload: { type: "string" } },
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
    const db = await openStore(ctx.common.db, { create: false, write: true });
    try {
      const { readDefinition } = await import("../controller/store/read-definition.js");
      const { enqueueRun } = await import("../controller/queue/enqueue-run.js");
      const spec = readDefinition(db, "event", id) as { policy?: { priority?: number; retries?: number; concurrency_key?: string } } | undefined;
      if (!spec) throw new CommandError(`no event "${id}" in the database (is the revision that defines it applied?)`, "not-found");
      const now = new Date();
      const queued = enqueueRun(
        db,
        {
          eventId: id,
          scheduledFor: now,
          trigger: "manual",
          runAt: now,
          priority: spec.policy?.priority ?? 5,
          maxAttempts: (spec.policy?.retries ?? 2) + 1,
          concurrencyKey: spec.policy?.concurrency_key ?? null,
          payload,
        },
        now,
      );
      if (!queued) throw new CommandError(`could not queue a run of ${id}`, "not-queued");
      ctx.stdout(ctx.common.json ? JSON.stringify({ run_id: queued.runId, event_id: id, status: "queued" }) + "\n" : `queued run #${queued.runId} of ${id}\n`);
      return 0;
    } finally {
      db.close();
    }
  },
});
