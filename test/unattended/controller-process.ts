import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Sqlite from "better-sqlite3";
import type { Database } from "better-sqlite3";
import { tempDir } from "../cli/helpers.js";
import { gitWorkspace } from "../support/git-workspace.js";
import { baseWorkspace, type Tree } from "../support/tree.js";

/**
 * The real CLI, `nexaas start`, as a child process: what an operator runs
 * unattended. Its JSON log lines (stdout) are parsed as they come, so a test
 * waits for a line instead of sleeping; every wait is bounded, and fails with
 * the last lines and stderr. Every process started here is SIGKILLed by
 * `killAll` (afterEach), stopped ones included.
 */

const bin = fileURLToPath(new URL("../../bin/nexaas.js", import.meta.url));

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ControllerProcess {
  readonly pid: number;
  /** Every JSON line of stdout so far, in order. */
  readonly lines: LogLine[];
  /** stdout as written, every line (JSON or not). */
  stdout(): string;
  stderr(): string;
  /** The first line at index `from` (default 0) or later that matches; rejects when the process exits first or after `timeoutMs`. */
  waitFor(match: (line: LogLine) => boolean, options?: { from?: number; timeoutMs?: number; what?: string }): Promise<LogLine>;
  /** The status API's port, once the controller logged "status API listening". */
  port(timeoutMs?: number): Promise<number>;
  readonly exited: Promise<Exit>;
  /** The exit, if it came within `timeoutMs` (else rejects). */
  exit(timeoutMs?: number): Promise<Exit>;
  kill(signal: NodeJS.Signals): void;
}

const children = new Set<ChildProcess>();
const groups = new Set<number>();

/** A git workspace (baseWorkspace plus `tree`) and a database path in a fresh folder. */
export function workspace(tree: Tree): { dir: string; db: string; tmp: string } {
  const ws = gitWorkspace({ ...baseWorkspace, ...tree });
  const tmp = tempDir("nexaas-unattended-");
  return { dir: ws.dir, db: join(tmp, "nexaas.db"), tmp };
}

/** An interval event whose script runs every second. */
export const everySecond = (command: string): string => `condition: {type: interval, expr: 1s}\naction: {type: script, command: ${JSON.stringify(command)}}\n`;

/** Starts `nexaas start --port 0` (or `port`), with `--db` unless `ws.db` is undefined (DATABASE_URL in `env` then), with a short lease (NEXAAS_LEASE_SECONDS=2 unless `env` says otherwise). */
export function startController(ws: { dir: string; db?: string }, options: { env?: Record<string, string>; args?: string[]; port?: number } = {}): ControllerProcess {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    GIT_CONFIG_GLOBAL: process.env.GIT_CONFIG_GLOBAL,
    GIT_CONFIG_NOSYSTEM: "1",
    API_KEY: "unattended-test-key",
    LOG_LEVEL: "info",
    LOG_FORMAT: "json",
    NEXAAS_LEASE_SECONDS: "2",
    WORKER_POOL_SIZE: "2",
    ...options.env,
  };
  const child = spawn(process.execPath, [bin, "start", "--workspace", ws.dir, ...(ws.db === undefined ? [] : ["--db", ws.db]), "--port", String(options.port ?? 0), ...(options.args ?? [])], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error("nexaas start did not spawn");
  children.add(child);

  const lines: LogLine[] = [];
  let stderr = "";
  let stdout = "";
  let exit: Exit | undefined;
  const waiters = new Set<() => void>();
  const exited = new Promise<Exit>((resolve) =>
    child.once("exit", (code, signal) => {
      exit = { code, signal };
      children.delete(child);
      resolve(exit);
      for (const w of waiters) w();
    }),
  );
  let pending = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    pending += chunk;
    stdout += chunk;
    let end: number;
    while ((end = pending.indexOf("\n")) >= 0) {
      const text = pending.slice(0, end);
      pending = pending.slice(end + 1);
      const line = parseLine(text);
      if (line) lines.push(line);
    }
    for (const w of waiters) w();
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));

  const describe = (): string => {
    const tail = lines.slice(-12).map((l) => JSON.stringify(l)).join("\n  ");
    return `pid ${pid}${exit ? ` exited (${exit.code ?? exit.signal})` : ""}; last lines:\n  ${tail}\nstderr: ${stderr.trim() || "(empty)"}`;
  };

  const waitFor: ControllerProcess["waitFor"] = (match, { from = 0, timeoutMs = 10_000, what = "a log line" } = {}) =>
    new Promise<LogLine>((resolve, reject) => {
      const check = (): void => {
        const found = lines.slice(from).find(match);
        if (found) return done(() => resolve(found));
        if (exit) done(() => reject(new Error(`waiting for ${what}: the controller exited first; ${describe()}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`waiting for ${what}: nothing within ${timeoutMs} ms; ${describe()}`))), timeoutMs);
      const done = (settle: () => void): void => {
        clearTimeout(timer);
        waiters.delete(check);
        settle();
      };
      waiters.add(check);
      check();
    });

  return {
    pid,
    lines,
    stdout: () => stdout,
    stderr: () => stderr,
    waitFor,
    async port(timeoutMs = 15_000) {
      const line = await waitFor((l) => l.msg === "status API listening", { timeoutMs, what: "the status API to listen" });
      return Number(new URL(String(line.address)).port);
    },
    exited,
    exit: (timeoutMs = 10_000) =>
      new Promise<Exit>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the controller did not exit within ${timeoutMs} ms; ${describe()}`)), timeoutMs);
        void exited.then((e) => {
          clearTimeout(timer);
          resolve(e);
        });
      }),
    kill: (signal) => void child.kill(signal),
  };
}

function parseLine(text: string): LogLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || !("msg" in value) || typeof value.msg !== "string") return undefined;
  const level = "level" in value && typeof value.level === "number" ? value.level : 0;
  return { ...value, level, msg: value.msg };
}

/** pino's levels. */
export const level = { debug: 20, info: 30, warn: 40, error: 50 } as const;

/** A script's process group (its shell's pid) that a test must not leave running. */
export function ownGroup(group: number): void {
  groups.add(group);
}

/** afterEach: every controller still running (or stopped) is SIGKILLed and awaited; every recorded script group too. */
export async function killAll(): Promise<void> {
  const exits: Promise<unknown>[] = [];
  for (const child of children) {
    exits.push(new Promise((resolve) => child.once("exit", resolve)));
    child.kill("SIGKILL");
  }
  await Promise.all(exits);
  for (const group of groups) {
    try {
      process.kill(-group, "SIGKILL");
    } catch {
      // Gone already.
    }
  }
  groups.clear();
}

/**
 * Whether a process is still running. A killed orphan is reparented to init,
 * which may reap it a while later: until then it is a zombie, which kill(pid, 0)
 * still finds, so a zombie counts as gone.
 */
export function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "ESRCH") return false;
    throw error;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) state ..."; comm may hold spaces, so read after its closing parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    // Gone between the two looks (or no /proc on this system: kill's answer stands).
    return !existsSync("/proc/self/stat");
  }
}

/** A connection of the test's own to the controller's database (to read rows, hold its write lock, install an audit trigger). */
export function openTestConnection(path: string): Database {
  const db = new Sqlite(path);
  db.pragma("busy_timeout = 5000");
  return db;
}

/** GET /api/health: the status and the body. */
export async function health(port: number): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(10_000) });
  const body: unknown = await response.json();
  return { status: response.status, body: typeof body === "object" && body !== null ? { ...body } : {} };
}

/** Polls `check` every 50 ms until it returns a value (not undefined), or fails after `timeoutMs` naming `what`. */
export async function until<T>(check: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
