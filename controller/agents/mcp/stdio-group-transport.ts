import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { deserializeMessage, serializeMessage } from "@modelcontextprotocol/sdk/shared/stdio.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { groupGone, signalGroup } from "./process-group.js";

/** Between SIGTERM and SIGKILL, and then the longest close() waits for the exit. */
export const killGraceMs = 2_000;
/** What is kept of the server's stderr for error messages: its end, where a crash says why. */
const stderrTailChars = 4_096;
/** A message bigger than this ends the connection instead of filling memory. */
export const maxMessageBytes = 64 * 1024 * 1024;

export interface StdioServerParams {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

/** How the process ended: a code, a signal, or neither yet. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * An MCP client transport over a child process's stdin/stdout, like the SDK's
 * StdioClientTransport, with three differences that made us write our own:
 *
 * - The child leads its own process group (`detached`), and close() signals the
 *   group. Servers are often started through a wrapper (`npx` -> node,
 *   `uvx` -> python); the SDK kills only the direct child, so the real server
 *   would outlive the attempt. The group id is reported for orphan recovery.
 * - stderr is kept (its last 4 KB) for the error that names the server, instead
 *   of being inherited into the controller's log or left to the caller to drain.
 * - Lines are collected as a list of chunks and joined once per message. The
 *   SDK's ReadBuffer concatenates the whole buffer on every 64 KB chunk (a 10 MB
 *   result costs ~800 MB of copying) and fails above 10 MB.
 *
 * The JSON-RPC framing itself is the SDK's (serializeMessage, deserializeMessage).
 */
export class StdioGroupTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private child: ChildProcessWithoutNullStreams | undefined;
  private chunks: Buffer[] = [];
  private pending = 0;
  private stderr = "";
  private exitInfo: ProcessExit | undefined;
  private closed: Promise<void> | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    private readonly params: StdioServerParams,
    private readonly onProcess?: (group: number) => void,
  ) {}

  get command(): string {
    return this.params.command;
  }

  /** The process group (the child's pid), once started. */
  get group(): number | undefined {
    return this.child?.pid;
  }

  /** The exit, once the process has ended. */
  get exit(): ProcessExit | undefined {
    return this.exitInfo;
  }

  /** The end of what the server wrote to stderr, trimmed. */
  get stderrTail(): string {
    return this.stderr.trim();
  }

  start(): Promise<void> {
    if (this.child) throw new Error("the stdio transport is already started");
    const { command, args, env, cwd } = this.params;
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ["pipe", "pipe", "pipe"] });
    this.child = child;
    this.exited = new Promise((done) => child.once("close", () => done()));
    child.once("exit", (code, signal) => {
      this.exitInfo = { code, signal };
      // Whatever a crashed server left in its group would hold our pipes open and outlive the attempt.
      if (this.closed === undefined && signalGroup(child.pid, "SIGTERM")) {
        setTimeout(() => signalGroup(child.pid, "SIGKILL"), killGraceMs).unref();
      }
    });
    // "close" comes after stdout and stderr ended, so the stderr tail is whole when the SDK hears of it.
    child.once("close", () => this.onclose?.());
    child.stdin.on("error", (error) => this.onerror?.(error)); // EPIPE once the server died: "close" reports it
    child.stdout.on("data", (chunk: Buffer) => this.receive(chunk));
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (text: string) => {
      this.stderr = (this.stderr + text).slice(-stderrTailChars);
    });
    return new Promise((done, fail) => {
      child.once("error", (error) => {
        this.exitInfo ??= { code: null, signal: null };
        fail(error);
      });
      child.once("spawn", () => {
        if (child.pid !== undefined) this.onProcess?.(child.pid);
        done();
      });
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin || !stdin.writable) return Promise.reject(new Error("not connected"));
    return new Promise((done) => {
      if (stdin.write(serializeMessage(message))) done();
      else stdin.once("drain", done);
    });
  }

  /**
   * Ends stdin and SIGTERMs the group; once the server has exited, or after the
   * grace, SIGKILLs what is left of the group; resolves once the server has
   * exited (or a second grace has passed). Idempotent: every call waits on the first.
   */
  close(): Promise<void> {
    this.closed ??= this.stop();
    return this.closed;
  }

  private async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.pid === undefined) return;
    child.stdin.end();
    if (signalGroup(child.pid, "SIGTERM")) {
      await within(this.exited, killGraceMs);
      signalGroup(child.pid, "SIGKILL");
    }
    await within(this.exited, killGraceMs);
    await groupGone(child.pid, killGraceMs);
    this.chunks = [];
  }

  private receive(chunk: Buffer): void {
    let start = 0;
    for (let newline = chunk.indexOf(0x0a); newline !== -1; newline = chunk.indexOf(0x0a, start)) {
      this.chunks.push(chunk.subarray(start, newline));
      const line = Buffer.concat(this.chunks).toString("utf8");
      this.chunks = [];
      this.pending = 0;
      start = newline + 1;
      this.deliver(line);
    }
    if (start < chunk.length) {
      this.chunks.push(chunk.subarray(start));
      this.pending += chunk.length - start;
      if (this.pending > maxMessageBytes) {
        this.chunks = [];
        this.pending = 0;
        this.onerror?.(new Error(`the server sent a message over ${maxMessageBytes} bytes`));
        void this.close();
      }
    }
  }

  private deliver(line: string): void {
    const text = line.endsWith("\r") ? line.slice(0, -1) : line;
    if (text.trim() === "") return;
    let message: JSONRPCMessage;
    try {
      message = deserializeMessage(text);
    } catch (error) {
      // A server printing a log line to stdout is common; it is not a reason to drop the connection.
      this.onerror?.(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    this.onmessage?.(message);
  }
}

/** Whether `promise` settled within `ms`; the timer never holds the process open. */
async function within(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((done) => {
    timer = setTimeout(() => done(false), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
