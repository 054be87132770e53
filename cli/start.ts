import type { Command } from "./command.js";
import { UsageError } from "./errors.js";
import { loadEnvFile } from "./load-env-file.js";
import { openStore } from "./open-store.js";

export const command: Command = {
  summary: "run the controller: reconcile every new commit (scheduling and the API: coming)",
  help: `Usage: nexaas start [--poll DUR] [--drift-check DUR] [--workspace DIR] [--db PATH]

Runs the controller in the foreground until SIGINT or SIGTERM. It reconciles
the workspace's HEAD into the database, then every new commit at once
(it watches the repository's refs; --poll adds a periodic check for file
systems that miss events). Logs are JSON lines on stdout (LOG_LEVEL).
\`.env\` in the workspace is read first; the environment wins over it.

  --poll DUR         also check the refs every DUR (e.g. 60s; default 60s)
  --drift-check DUR  re-plan the live revision every DUR to put back rows
                     edited out of band (default 10m; 0 turns it off)

This build reconciles only: the scheduler, the workers and the status API
(--port, --worktree, --remote/--branch in SPEC §4) are not part of it yet.`,
  options: {
    poll: { type: "string" },
    "drift-check": { type: "string" },
  },
  async run(ctx) {
    const { parseDuration } = await import("../controller/definitions/duration.js");
    const duration = (flag: string, fallback: string): number => {
      const raw = (ctx.values[flag] as string | undefined) ?? fallback;
      if (raw === "0") return 0;
      const ms = parseDuration(/^\d+$/.test(raw) ? Number(raw) : raw);
      if (ms === undefined) throw new UsageError(`--${flag} ${raw}: not a duration (e.g. 30s, 5m)`);
      return ms;
    };
    const pollMs = duration("poll", "60s");
    const driftCheckMs = duration("drift-check", "10m");
    loadEnvFile(ctx.common.workspace, ctx.env);
    const { createLogger } = await import("../controller/log.js");
    const { ReconcileLoop } = await import("../controller/reconcile/reconcile-loop.js");
    const log = createLogger(ctx.env);
    const db = await openStore(ctx.common.db, { create: true });
    const loop = new ReconcileLoop(db, { dir: ctx.common.workspace, pollMs, driftCheckMs });
    loop.on("reconciled", (r) => {
      const ms = Math.round(r.durationMs);
      if (r.result === "applied") {
        const { created, updated, deleted } = r.applied;
        log.info({ revision: r.revision, created, updated, deleted, drift: r.plan.drift, ms }, "revision applied");
      } else if (r.result === "invalid") {
        const errors = r.diagnostics.filter((d) => d.severity === "error");
        log.error({ revision: r.revision, errors: errors.slice(0, 20), error_count: errors.length, ms }, "revision invalid: nothing applied, the last good revision stays live");
      } else log.debug({ revision: r.revision, ms }, "revision unchanged");
    });
    loop.on("error", (error) => log.error({ err: error }, "reconcile failed"));

    log.info({ workspace: ctx.common.workspace, db: ctx.common.db, poll_ms: pollMs, drift_check_ms: driftCheckMs }, "controller starting");
    await loop.start();
    await new Promise<void>((resolve) => {
      const stop = (signal: NodeJS.Signals) => {
        log.info({ signal }, "controller stopping");
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        resolve();
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
    await loop.stop();
    db.close();
    log.info("controller stopped");
    return 0;
  },
};
