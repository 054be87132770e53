import type { Clock } from "../clock.js";
import { parseDuration } from "../definitions/duration.js";
import { policyDefaults } from "../definitions/schema-types.js";
import type { Logger } from "../log.js";
import { completeJobAndRecord } from "../queue/complete-job.js";
import { failJob } from "../queue/fail-job.js";
import { heartbeatJob } from "../queue/heartbeat-job.js";
import type { ClaimedJob } from "../queue/claim-job.js";
import type { EndedRun } from "../store/ended-run.js";
import { readDefinition } from "../store/read-definition.js";
import { recordRunOutcome } from "../store/record-run-outcome.js";
import type { Sql } from "../store/sql/sql.js";
import type { DefinitionSpecs } from "../definitions/definition-specs.js";
import { capOutput } from "./cap-output.js";
import { ExecutionError, type ExecutionContext, type Executor } from "./executor.js";
import { isPermanentFailure } from "./permanent-failure.js";
import { queueFlowsAfter } from "./queue-flows-after.js";
import { SecretMask } from "./secret-mask.js";
import { renderFields, templateScope } from "./templates.js";

export interface RunJobOptions {
  sql: Sql;
  workerId: string;
  clock: Clock;
  leaseMs: number;
  executors: Readonly<Record<string, Executor>>;
  env: NodeJS.ProcessEnv;
  workspaceDir: string;
  log: Logger;
  /** Aborted at shutdown after the grace period: the attempt stops and its job is released. */
  shutdown: AbortSignal;
  /** Called once the action is under way (its executor was called). */
  onStarted?: () => void;
  /** A script of this attempt started its own process group (recorded, so an orphan can be killed before a retry). */
  onProcess?: (group: number) => void;
  /** A timer of the attempt (the heartbeat) failed: reported, never thrown where no one catches it. */
  onError?: (error: Error) => void;
}

type EventSpec = DefinitionSpecs["event"];

export type JobOutcome = {
  status: "success" | "retry" | "failed" | "released";
  error?: string;
  paused?: boolean;
  /** A run that ended (success, or failed for good): its last attempt's start and duration, as recorded, so that no one reads them back. */
  ended?: { startedAt: string; durationMs: number };
};

// Validation accepted the timeout; this stands in only for a row mangled out of band.
const defaultTimeoutMs = parseDuration(policyDefaults.timeout) ?? 600_000;

/**
 * How long an attempt ended by its signal (timeout, shutdown, a lost lease) waits for its action
 * to wind down before its outcome is recorded: a script's or an MCP server's kill grace (2 s),
 * then the action's own last writes (the transcript's cancelled call, the run's stop reason).
 */
export const settleGraceMs = 5_000;

/** What the metrics observe of a run that ended, as its outcome says it was recorded (undefined for an outcome that does not say). */
export function endedRun(job: ClaimedJob, outcome: JobOutcome): EndedRun | undefined {
  const ended = outcome.ended;
  if (!ended || (outcome.status !== "success" && outcome.status !== "failed")) return undefined;
  return { event_id: job.eventId, status: outcome.status, trigger: job.trigger, scheduled_for: job.scheduledFor, started_at: ended.startedAt, duration_ms: ended.durationMs };
}

/**
 * One attempt of one claimed job: look up the event, run its action with a
 * timeout, heartbeat the lease meanwhile, and record the outcome (success,
 * a retry after backoff, or a final failure that may pause the event).
 */
export async function runJob(job: ClaimedJob, o: RunJobOptions, known?: { spec: EventSpec | undefined }): Promise<JobOutcome> {
  const sql = o.sql;
  const started = o.clock.now();
  // `known`: the event as the claim read it (PostgreSQL's claim reads it in its statement).
  const spec = known ? known.spec : await readDefinition(sql, "event", job.eventId);
  const elapsed = () => o.clock.now().getTime() - started.getTime();
  if (!spec) {
    const error = `event ${job.eventId} is no longer defined (removed by a reconcile)`;
    await failJob(sql, job.jobId, o.workerId, o.clock.now(), { error, backoffMs: [0], retryable: false, durationMs: 0 });
    return { status: "failed", error, ended: { startedAt: started.toISOString(), durationMs: 0 } };
  }

  // Stopped (with no grace) between the claim and this start: the job is released untouched, not begun.
  if (o.shutdown.aborted) return { status: "released" };
  const policy = spec.policy;
  const timeoutMs = parseDuration(policy.timeout) ?? defaultTimeoutMs;
  // One controller for every reason the attempt stops: its timeout, a lost lease, the shutdown.
  // (Not AbortSignal.any: on Node 20 each one stays tied to the long-lived shutdown signal by weak
  // references, a cost at every garbage collection for each job ever run.)
  const stop = new AbortController();
  const signal = stop.signal;
  const timer = o.clock.setTimeout(() => stop.abort(new ExecutionError(`timed out after ${policy.timeout}`, "timeout")), timeoutMs);
  const onShutdown = (): void => stop.abort(o.shutdown.reason);
  if (o.shutdown.aborted) onShutdown();
  else o.shutdown.addEventListener("abort", onShutdown, { once: true });
  const beat = o.clock.setInterval(() => {
    heartbeatJob(sql, job.jobId, o.workerId, o.clock.now(), o.leaseMs).then(
      (held) => {
        if (!held) stop.abort(new ExecutionError("lost the job's lease", "lease-lost"));
      },
      (error: unknown) => {
        // A store fault (or a lock another controller took) is the controller's to judge; the attempt
        // goes on, and its lease runs out if the fault outlasts it.
        o.onError?.(error instanceof Error ? error : new Error(String(error)));
      },
    );
  }, Math.max(1000, Math.floor(o.leaseMs / 3)));

  // Filled by the executors with the secrets they hand out; nothing of the attempt is stored or returned (and so logged) unmasked.
  const secrets = new SecretMask();
  let action: Promise<unknown> | undefined;
  try {
    const executor = o.executors[spec.action.type];
    if (!executor) throw new ExecutionError(`no executor for action type ${spec.action.type}`, "unsupported");
    const ctx: ExecutionContext = {
      sql,
      runId: job.runId,
      eventId: job.eventId,
      attempt: job.attempt,
      action: { ...spec.action },
      ...(spec.agent !== undefined ? { defaultAgent: spec.agent } : {}),
      payload: job.payload ?? null,
      scheduledFor: job.scheduledFor,
      signal,
      env: o.env,
      workspaceDir: o.workspaceDir,
      clock: o.clock,
      log: o.log,
      secrets,
      ...(o.onProcess ? { onProcess: o.onProcess } : {}),
    };
    // Script, webhook and flow render their own templates (a script through its environment,
    // a flow step by step); a model call's text is rendered here, once.
    if (spec.action.type === "claude_chat" || spec.action.type === "skill") ctx.action = { ...renderFields(ctx.action, await templateScope(ctx, ctx.action)), type: ctx.action.type };
    const running = executor(ctx);
    action = running;
    o.onStarted?.();
    const result = await Promise.race([
      running,
      // An executor that ignores its signal still cannot hold the worker past the timeout.
      // Aborted already (a timeout or the lease lost while the prompt was rendered): at once.
      new Promise<never>((_, reject) => (signal.aborted ? reject(signal.reason) : signal.addEventListener("abort", () => reject(signal.reason), { once: true }))),
    ]);
    const durationMs = elapsed();
    await completeJobAndRecord(sql, job, o.workerId, () => o.clock.now(), { output: capOutput(secrets.mask(result.output)), durationMs });
    await followFlow(spec.action, true, o, job);
    return { status: "success", ended: { startedAt: started.toISOString(), durationMs } };
  } catch (error) {
    // Cut off by the signal, the action may still be writing (on PostgreSQL each write is a round
    // trip): its writes land before the outcome is recorded, the lease released or the store closed.
    if (action && signal.aborted) await settles(action, settleGraceMs, o.clock);
    if (o.shutdown.aborted) return { status: "released" }; // the pool releases the lease
    const message = secrets.mask(error instanceof Error ? error.message : String(error));
    const backoffMs = policy.backoff.map((d) => parseDuration(d) ?? 30_000);
    // Retrying cannot fix a missing key, secret or definition: fail at once, clearly.
    const retryable = !isPermanentFailure(error);
    const durationMs = elapsed();
    const { final } = await failJob(sql, job.jobId, o.workerId, o.clock.now(), { error: message, backoffMs, retryable, durationMs });
    if (!final) return { status: "retry", error: message };
    const paused = await recordRunOutcome(sql, job.eventId, { success: false, at: o.clock.now(), pauseAfter: policy.pause_after_failures, error: message });
    await followFlow(spec.action, false, o, job);
    return { status: "failed", error: message, paused, ended: { startedAt: started.toISOString(), durationMs } };
  } finally {
    o.clock.clearTimeout(timer);
    o.clock.clearInterval(beat);
    o.shutdown.removeEventListener("abort", onShutdown);
  }
}

/** A named flow ended for good: the flows that follow it (`trigger: {type: after}`) are queued. */
async function followFlow(action: { type: string; flow?: unknown }, success: boolean, o: RunJobOptions, job: ClaimedJob): Promise<void> {
  if (action.type !== "flow" || typeof action.flow !== "string") return;
  const { queued, skipped } = await queueFlowsAfter(o.sql, action.flow, success, o.clock.now(), job.payload ?? null);
  if (queued.length > 0) o.log.info({ flow: action.flow, success, queued }, "flows queued after a flow");
  for (const s of skipped) o.log.info({ flow: action.flow, next: s.flow, reason: s.reason }, "flow after a flow not queued");
}

/** Resolves when `action` settles, or after `ms` if it does not (an executor that ignores its signal still cannot hold the worker). */
async function settles(action: Promise<unknown>, ms: number, clock: Clock): Promise<void> {
  let timer: unknown;
  const grace = new Promise<void>((done) => (timer = clock.setTimeout(done, ms)));
  try {
    await Promise.race([action.then(noop, noop), grace]);
  } finally {
    clock.clearTimeout(timer);
  }
}

const noop = (): void => undefined;
