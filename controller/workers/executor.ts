import type { Clock } from "../clock.js";
import type { Logger } from "../log.js";
import type { Sql } from "../store/sql/sql.js";
import type { SecretMask } from "./secret-mask.js";

/**
 * What one attempt of one action gets. An executor reads the action's fields
 * (as in the YAML: `prompt`, `command`, `url`, `steps`, ...), does the work,
 * and resolves with its output, or throws (an `ExecutionError` for expected
 * failures: a non-2xx answer, a non-zero exit, a timeout).
 */
export interface ExecutionContext {
  /** The store. */
  sql: Sql;
  /** The run (event_runs.id) this attempt belongs to, and the event. */
  runId: number;
  eventId: string;
  attempt: number;
  /** The action's type and fields, after `${NAME}` is NOT yet resolved (executors resolve what they send). */
  action: Record<string, unknown> & { type: string };
  /** The event's (or flow's) default agent; then nexaas.yaml defaults.agent. */
  defaultAgent?: string;
  /** Trigger payload (webhook body, `trigger --payload`, flow trigger_payload), or null. */
  payload: unknown;
  /** The scheduled time of this run (ISO). */
  scheduledFor: string;
  /** Aborted on timeout or shutdown: executors must stop (kill the process, cancel the request). */
  signal: AbortSignal;
  /** The controller's environment: where `${NAME}` values and ANTHROPIC_* come from. Never persisted. */
  env: NodeJS.ProcessEnv;
  /**
   * The secrets this attempt hands out: an executor adds each value it passes
   * on (a script's `env`, a resolved `${NAME}`) and masks what it reports with
   * it; the worker masks the run's output and error with it again before they
   * are stored or logged. A flow's steps share their flow's.
   */
  secrets: SecretMask;
  /** The workspace folder (scripts run inside it). */
  workspaceDir: string;
  clock: Clock;
  log: Logger;
  /** Called with the process group a script starts (its own, `detached`), so the worker can record it. */
  onProcess?: (group: number) => void;
}

export interface ExecutionResult {
  /** Text kept on the run (capped by the worker). */
  output: string;
}

export type Executor = (ctx: ExecutionContext) => Promise<ExecutionResult>;

/** An expected failure of an action, with a message fit for the run record (never a secret). */
export class ExecutionError extends Error {
  constructor(
    message: string,
    /** Stable code: "timeout", "exit-code", "http-status", "model-error", "budget", "no-api-key", ... */
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
