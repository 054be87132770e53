import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import type { LoopSource } from "../controller/source/watch-source.js";
import { defineCommand, type CommandContext, type OptionSpec } from "./support/command.js";
import { CommandError, UsageError } from "./support/errors.js";
import { openPostgresStore, openStore } from "./support/open-store.js";

const options = {
  poll: { type: "string" },
  "drift-check": { type: "string" },
  port: { type: "string", short: "p" },
  worktree: { type: "boolean" },
  remote: { type: "string" },
  branch: { type: "string" },
  "remote-path": { type: "string" },
  standby: { type: "boolean" },
} as const satisfies OptionSpec;

export const command = defineCommand({
  summary: "run the controller: reconcile, schedule, run, serve the status API",
  help: `Usage: nexaas start [--port 8400] [--poll DUR] [--drift-check DUR] [--worktree | --remote URL --branch B [--remote-path P]]
                    [--standby] [--workspace DIR] [--db PATH]

Runs the controller in the foreground until SIGINT or SIGTERM. It reconciles
the workspace's HEAD into the database, then every new commit at once
(it watches the repository's refs; --poll adds a periodic check for file
systems that miss events). Logs go to stdout: human-readable on a terminal,
JSON lines otherwise; LOG_FORMAT=json|pretty chooses, LOG_LEVEL filters.
\`.env\` in the workspace is read first; the environment wins over it.

  --poll DUR         also check the refs every DUR (e.g. 60s; default 60s);
                     in pull mode, how often to fetch
  --drift-check DUR  re-plan the live revision every DUR to put back rows
                     edited out of band (default 10m; 0 turns it off)
  --worktree         reconcile the working tree as you edit it, uncommitted
                     (local authoring; the status names the revision "worktree")
  --remote URL       pull mode: keep a clone of URL (under the database's folder,
  --branch B         source/) and follow branch B; --workspace is then only
  --remote-path P    where .env and data/ live, and P the workspace's folder
                     inside the repository (default its root)

It schedules every event at its due time and runs it on WORKER_POOL_SIZE
workers (default 3) with leases (NEXAAS_LEASE_SECONDS, default 60).
On SQLite one controller owns the database at a time: a second one refuses to start,
naming the owner; with --standby it waits, and takes over within one lease
of the owner's end (at once when the owner's pid is gone on this host).
A controller that finds another took its lock stops at once (exit 1): its
writes are fenced, so it cannot change a job after losing the lock.
DATABASE_URL=postgres://user:password@host/db runs on a shared PostgreSQL
database instead (created by its owner; Nexaas migrates it): start as many
controllers as you need on it, best in pull mode (--remote, one branch for
all). All run workers (woken by LISTEN/NOTIFY) and serve the API and
webhooks; one, elected under a lease (NEXAAS_LEASE_SECONDS), reconciles and
schedules, and another takes over within one lease when it dies (at once on
its host when its pid is gone). Its writes are fenced: a replaced leader
changes nothing and goes on as a follower, and a leader whose copy of the
repository is behind the live revision applies nothing. Set the same
SESSION_SECRET on every one behind a load balancer. --standby is for SQLite.
A store fault that may pass (disk full, a busy or read-only file, an I/O
error) is logged, shown by /api/health as 503, and retried until it clears;
a corrupt, deleted or replaced database file stops the controller (exit 1).
SIGTERM or SIGINT: no new runs; running ones get 30s, then are released to be
retried at the next start.

The read-only status API listens on --port (else PORT, else 8400) on HOST
(default 127.0.0.1; 0.0.0.0 in the container image). It needs API_KEY (a bearer
token): start refuses to run without one. It serves the status page at /, signed
in with a named token (nexaas tokens create); sessions are signed with
SESSION_SECRET, else with a key made once and kept in <database>.session-secret.`,
  readsEnvFile: true,
  options,
  async run(ctx) {
    const { parseDuration } = await import("../controller/definitions/duration.js");
    const duration = (flag: "poll" | "drift-check", fallback: string): number => {
      const raw = ctx.values[flag] ?? fallback;
      if (raw === "0") return 0;
      const ms = parseDuration(/^\d+$/.test(raw) ? Number(raw) : raw);
      if (ms === undefined) throw new UsageError(`--${flag} ${raw}: not a duration (e.g. 30s, 5m)`);
      return ms;
    };
    const pollMs = duration("poll", "60s");
    const driftCheckMs = duration("drift-check", "10m");
    const source = await loopSource(ctx.values, ctx.common.db);
    const format = ctx.env.LOG_FORMAT?.trim();
    if (format && format !== "json" && format !== "pretty") throw new UsageError(`LOG_FORMAT=${format}: use json or pretty`);
    const { createLogger } = await import("../controller/log.js");
    const log = createLogger(ctx.env);
    const apiKey = ctx.env.API_KEY ?? "";
    if (apiKey.trim() === "") {
      throw new CommandError(
        "API_KEY is not set: the status API never runs without a token. Put API_KEY=<random> in the workspace's .env (nexaas init writes one; e.g. API_KEY=$(node -e \"console.log(require('crypto').randomBytes(32).toString('base64url'))\"))",
        "no-api-key",
      );
    }
    const portText = ctx.values.port ?? ctx.env.PORT ?? "8400";
    const port = Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`port ${portText}: a number from 0 to 65535`);
    const { store, where, close } = await openControllerStore(ctx.common);
    const { loadSessionSecret } = await import("../controller/api/session-secret.js");
    let sessionSecret: Buffer;
    try {
      sessionSecret = loadSessionSecret(ctx.env, ctx.common.db);
    } catch (error) {
      await close();
      throw new CommandError(error instanceof Error ? error.message : String(error), "session-secret", { cause: error });
    }
    const { Controller } = await import("../controller/controller.js");
    const positive = (name: string, fallback: number): number => {
      const n = Number(ctx.env[name] ?? fallback);
      if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${name}=${ctx.env[name] ?? ""}: a positive number`);
      return n;
    };
    const controller = new Controller(store, {
      dir: ctx.common.workspace,
      source,
      pollMs,
      driftCheckMs,
      workers: Math.floor(positive("WORKER_POOL_SIZE", 3)),
      standby: ctx.values.standby === true,
      leaseMs: positive("NEXAAS_LEASE_SECONDS", 60) * 1000,
      tickMs: positive("ENGINE_TICK_SECONDS", 30) * 1000,
      env: ctx.env,
      log,
      api: {
        apiKey,
        port,
        host: ctx.env.HOST ?? "127.0.0.1",
        sessionSecret,
        // Requests go through the controller's logger (its format; Authorization and signatures redacted).
        logger: true,
      },
    });
    controller.loop.on("reconciled", (r) => {
      const ms = Math.round(r.durationMs);
      if (r.result === "applied") {
        const { created, updated, deleted } = r.applied;
        log.info({ revision: r.revision, created, updated, deleted, drift: r.plan.drift, ms }, "revision applied");
      } else if (r.result === "invalid") {
        const errors = r.diagnostics.filter((d) => d.severity === "error");
        log.error({ revision: r.revision, errors: errors.slice(0, 20), error_count: errors.length, ms }, "revision invalid: nothing applied, the last good revision stays live");
      } else log.debug({ revision: r.revision, ms }, "revision unchanged");
    });
    // A store fault is judged and logged by the controller, once per fault; every part meets it
    // again at each retry, which would be a line a second for as long as a disk stays full.
    const { storeFault } = await import("../controller/store/store-fault.js");
    const failed = (what: string) => (error: Error) => {
      if (storeFault(error)) log.debug({ err: error }, what);
      else log.error({ err: error }, what);
    };
    controller.loop.on("error", failed("reconcile failed"));
    controller.scheduler.on("fired", (fired) => {
      for (const f of fired) log.info({ event: f.eventId, run: f.runId, scheduled_for: f.scheduledFor.toISOString(), trigger: f.trigger }, "run queued");
    });
    controller.scheduler.on("error", failed("scheduler failed"));
    controller.pool.on("finished", ({ job, outcome }) => {
      const fields = { event: job.eventId, run: job.runId, attempt: job.attempt, status: outcome.status, ...(outcome.error ? { error: outcome.error } : {}) };
      if (outcome.status === "success") log.info(fields, "run finished");
      // Not a failure: the controller stopped under it, and the next one retries it.
      else if (outcome.status === "released") log.info(fields, "run released: the next controller retries it");
      else log.warn({ ...fields, paused: outcome.paused ?? false }, outcome.status === "retry" ? "run failed; will retry" : "run failed");
    });
    controller.pool.on("error", failed("worker failed"));

    let standingBy = false;
    controller.on("waiting", ({ holder }) => {
      standingBy = true;
      log.info({ holder }, "standing by: another controller owns the database");
    });

    if (ctx.values.standby === true && ctx.common.databaseUrl !== undefined) {
      log.warn("--standby is for SQLite: on PostgreSQL every controller starts at once, and one of them leads");
    }
    log.info({ workspace: ctx.common.workspace, db: where, source: source.kind, port, poll_ms: pollMs, drift_check_ms: driftCheckMs }, "controller starting");
    // Listening before start: a SIGTERM while it reconciles or stands by must stop it
    // cleanly too, not kill it with the lock taken (npm start, a supervisor's stop).
    let halted: { reason: string; message: string } | undefined;
    let signalled: NodeJS.Signals | undefined;
    let resolveEnd: (code: number) => void = () => undefined;
    const ended = new Promise<number>((resolve) => (resolveEnd = resolve));
    const stop = (signal: NodeJS.Signals) => {
      signalled = signal;
      log.info({ signal }, "controller stopping: no new runs; running ones get 30s to finish");
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      // A standby may wait for days: it gives up waiting now (a reconcile under way finishes first).
      if (standingBy && controller.address === undefined) void controller.stop(0);
      resolveEnd(0);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    // It stopped by itself (a fatal store fault, or another controller took over): its last line is logged.
    controller.once("halted", (why) => {
      halted = why;
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolveEnd(1);
    });
    try {
      await controller.start();
    } catch (error) {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      await close();
      if (signalled !== undefined && standingBy) {
        log.info("controller stopped");
        return 0;
      }
      if (error instanceof Error && "code" in error && error.code === "EADDRINUSE") {
        throw new CommandError(`port ${port} on ${ctx.env.HOST ?? "127.0.0.1"} is already in use: stop what listens there, or pass --port (PORT)`, "port-in-use", { cause: error });
      }
      throw error;
    }
    if (signalled === undefined) log.info({ address: controller.address }, "status API listening");
    const code = await ended;
    await controller.stop(30_000);
    try {
      await close();
    } catch {
      // A file gone bad may refuse even to close.
    }
    // The last line says why it ended: unattended, it is the one an operator reads first.
    if (halted) log.error({ reason: halted.reason, exit_code: 1 }, `controller halted: ${halted.message}`);
    else log.info("controller stopped");
    return code;
  },
});

/**
 * DATABASE_URL=postgres://… (or --db postgres://…): the shared PostgreSQL
 * database, connected and migrated here; else the SQLite file at --db.
 * `where` is for the log, with the URL's password hidden.
 */
async function openControllerStore(common: CommandContext<typeof options>["common"]) {
  if (common.databaseUrl !== undefined) {
    const sql = await openPostgresStore(common.databaseUrl);
    const { redactUrl } = await import("../controller/store/open-postgres.js");
    return { store: sql, where: redactUrl(common.databaseUrl), close: () => sql.close() };
  }
  const db = await openStore(common.db, { create: true });
  return { store: db, where: common.db, close: () => Promise.resolve(db.close()) };
}

async function loopSource(values: CommandContext<typeof options>["values"], db: string): Promise<LoopSource> {
  const remote = values.remote;
  const branch = values.branch;
  if (values.worktree && remote !== undefined) throw new UsageError("--worktree and --remote exclude each other");
  if (values.worktree) return { kind: "worktree" };
  if (remote === undefined) {
    if (branch !== undefined || values["remote-path"] !== undefined) throw new UsageError("--branch and --remote-path go with --remote");
    return { kind: "git" };
  }
  if (branch === undefined) throw new UsageError("--remote needs --branch");
  // One clone per remote and branch, beside the database, kept between runs.
  const cacheDir = join(dirname(db), "source", createHash("sha256").update(`${remote}\n${branch}`).digest("hex").slice(0, 16));
  const workspacePath = values["remote-path"];
  return { kind: "remote", url: remote, branch, cacheDir, ...(workspacePath !== undefined ? { workspacePath } : {}) };
}
