import { spawn } from "node:child_process";
import { realpathSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { errorMessage } from "../../error-message.js";
import { parseDuration } from "../../definitions/duration.js";
import { CappedBuffer } from "../cap-output.js";
import { ExecutionError, type ExecutionContext, type Executor } from "../executor.js";
import { templateEnv, templateValues } from "../templates.js";

/** What every script gets from the controller's environment; anything else must be listed in `env`. */
const baseEnvNames = ["PATH", "HOME", "LANG", "TZ"] as const;
/** Between SIGTERM and SIGKILL: long enough for a trap to clean up, short enough not to hold a worker. */
export const killGraceMs = 2_000;

/**
 * `script`: `command` run by /bin/sh in its own process group, inside the
 * workspace, with a minimal environment. Flow values arrive as NEXAAS_*
 * variables, never spliced into the command. On timeout (or shutdown) the
 * whole group is killed, so a backgrounded child cannot outlive the run.
 * The values of the listed `env` names are masked in its output and errors.
 */
export const scriptExecutor: Executor = async (ctx) => {
  const { command } = ctx.action;
  if (typeof command !== "string" || command.trim() === "") throw new ExecutionError("script: `command` must be a non-empty string", "invalid-action");
  const cwd = scriptCwd(ctx);
  const env = scriptEnv(ctx);
  const timeoutMs = actionTimeout(ctx.action.timeout);

  const child = spawn("/bin/sh", ["-c", command], { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  // detached: the shell leads a group of its own, whose id is its pid.
  if (child.pid !== undefined) ctx.onProcess?.(child.pid);
  const stdout = new CappedBuffer("head");
  const stderr = new CappedBuffer("tail");
  child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));

  let stopped: string | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  const killGroup = (): void => {
    if (child.pid === undefined || killTimer) return;
    if (!signalGroup(child.pid, "SIGTERM")) return;
    const pid = child.pid;
    killTimer = setTimeout(() => signalGroup(pid, "SIGKILL"), killGraceMs);
    killTimer.unref();
  };
  const stop = (reason: string): void => {
    stopped ??= reason;
    killGroup();
  };
  const onAbort = (): void => stop(ctx.signal.reason instanceof Error ? ctx.signal.reason.message : "the attempt was aborted");
  if (ctx.signal.aborted) onAbort();
  else ctx.signal.addEventListener("abort", onAbort, { once: true });
  const timer = timeoutMs === undefined ? undefined : ctx.clock.setTimeout(() => stop(`timed out after ${String(ctx.action.timeout)}`), timeoutMs);

  try {
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done, fail) => {
      let exit: [number | null, NodeJS.Signals | null] = [null, null];
      child.once("error", fail);
      child.once("exit", (c, s) => {
        exit = [c, s];
        // Whatever the shell left running in its group (a `cmd &` never waited for)
        // would hold the pipes open and outlive the run: it goes too.
        killGroup();
      });
      child.once("close", () => done(exit));
    });
    if (stopped !== undefined) throw new ExecutionError(`script stopped: ${stopped}; its process group was killed`, "timeout");
    if (code !== 0) {
      const why = code === null ? `was killed by ${signal ?? "a signal"}` : `exited with code ${code}`;
      const tail = stderr.text(ctx.secrets).trim();
      throw new ExecutionError(`script ${why}${tail ? `; stderr:\n${tail}` : ""}`, "exit-code");
    }
    return { output: stdout.text(ctx.secrets) };
  } catch (error) {
    if (error instanceof ExecutionError) throw error;
    throw new ExecutionError(ctx.secrets.mask(`script could not start: ${errorMessage(error)}`), "spawn", { cause: error });
  } finally {
    ctx.signal.removeEventListener("abort", onAbort);
    if (timer !== undefined) ctx.clock.clearTimeout(timer);
  }
};

/** `cwd` resolved inside the workspace, symlinks followed, so `../` or a link cannot lead out. */
function scriptCwd(ctx: ExecutionContext): string {
  const requested = ctx.action.cwd ?? ".";
  if (typeof requested !== "string") throw new ExecutionError("script: `cwd` must be a path inside the workspace", "invalid-action");
  let root: string;
  let cwd: string;
  try {
    root = realpathSync(ctx.workspaceDir);
    cwd = realpathSync(resolve(root, requested));
    if (!statSync(cwd).isDirectory()) throw new Error("not a directory");
  } catch {
    throw new ExecutionError(`script: cwd "${requested}" is not a folder in the workspace`, "bad-cwd");
  }
  const rel = relative(root, cwd);
  if (rel.startsWith("..") || isAbsolute(rel)) throw new ExecutionError(`script: cwd "${requested}" leads outside the workspace`, "bad-cwd");
  return cwd;
}

/** The minimal base, the names the action lists, and the NEXAAS_* template values. Nothing else from the controller. */
function scriptEnv(ctx: ExecutionContext): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of baseEnvNames) if (ctx.env[name] !== undefined) env[name] = ctx.env[name];
  const listed = ctx.action.env ?? [];
  if (!Array.isArray(listed) || !listed.every((n): n is string => typeof n === "string")) {
    throw new ExecutionError("script: `env` must be a list of environment variable names", "invalid-action");
  }
  // Names to pass through: one that is not set is simply absent, as in a shell,
  // so an optional setting (with a default in the script) needs no dummy value.
  // Any of them may be a secret: its value is masked in whatever the run reports.
  for (const name of listed) {
    const value = ctx.env[name];
    if (value === undefined) continue;
    env[name] = value;
    ctx.secrets.add(value);
  }
  return { ...env, ...templateEnv(templateValues(ctx)) };
}

/** The action's own `timeout` in ms, if it has one (the attempt's signal carries the policy timeout). */
export function actionTimeout(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === "string" || typeof value === "number" ? parseDuration(value) : undefined;
  if (ms === undefined) throw new ExecutionError(`timeout ${JSON.stringify(value)} is not a duration ("30s", "5m", or seconds)`, "invalid-action");
  return ms;
}

/** Sends `signal` to the process group led by `pid`; false when the group is already gone. */
function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}
