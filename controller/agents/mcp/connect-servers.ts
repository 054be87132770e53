import { resolve as resolvePath } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SseError, SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { getDefaultEnvironment } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport, StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { errorMessage } from "../../error-message.js";
import { readPackageVersion } from "../../package-root.js";
import { runHeadersHelper } from "./headers-helper.js";
import { McpServerError } from "./mcp-server-error.js";
import { serverParams, type McpServerSpec, type ServerParams } from "./server-params.js";
import { StdioGroupTransport } from "./stdio-group-transport.js";
import { uniqueToolNames } from "./tool-names.js";
import { errorResult, toToolResult, type McpToolResult } from "./tool-result.js";

export { McpServerError } from "./mcp-server-error.js";
export type { McpServerSpec } from "./server-params.js";
export type { McpToolResult } from "./tool-result.js";

/** How long a server has to start, initialize and list its tools. */
export const connectTimeoutMs = 30_000;

/** One tool of a connected server, as the model sees it. */
export interface McpTool {
  /** `mcp__<server>__<tool>`, sanitized, at most 64 characters, unique in the attempt. */
  name: string;
  server: string;
  /** The server's own name for it. */
  tool: string;
  description: string;
  inputSchema: { type: "object"; [k: string]: unknown };
}

/** The servers of one attempt, connected. */
export interface McpConnections {
  tools: McpTool[];
  /**
   * Calls a tool. A tool-level problem (an error result, a timeout, a server
   * that crashed) is an `isError` result, never a rejection; only the abort of
   * `signal` (the attempt's) rejects, with its reason. A timeout or an abort
   * cancels the call on the server (notifications/cancelled).
   */
  call(tool: McpTool, input: Record<string, unknown>, options: { signal: AbortSignal; timeoutMs: number }): Promise<McpToolResult>;
  /** Closes every server and kills the stdio process groups; resolves once they exited (bounded). Idempotent. */
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** The cwd of stdio servers (an entry's `cwd` is relative to it) and of headersHelper commands. */
  workspaceDir: string;
  /** `${NAME}` -> its value (recorded for masking); throws for a missing variable. */
  resolve(text: string): string;
  /** Records a secret obtained otherwise (a headersHelper's header values) for masking. */
  remember?(value: string): void;
  /** The attempt's: its abort, at any time, closes everything. */
  signal: AbortSignal;
  /** http/sse: called before connecting; throws to refuse. */
  checkEgress?(url: URL): Promise<void>;
  /** Each stdio server's process group, for orphan recovery. */
  onProcess?(group: number): void;
  clientName?: string;
}

/** A server connected (or being connected): what close() and call() need of it. */
interface Connection {
  server: string;
  client: Client;
  transport: Transport;
  /** For stdio: the process, its exit and its stderr. */
  stdio: StdioGroupTransport | undefined;
}

/** The connect phase ran out of time (the reason of its abort). */
class ConnectTimeout extends Error {}

/**
 * Connects the servers an agent names, for one attempt: all at once, each
 * initialized and its tools listed. If one fails, those already connected are
 * closed and an McpServerError naming it is thrown; a missing `${NAME}` throws
 * from `resolve` before anything starts. The abort of `options.signal` at any
 * point closes everything (and rejects with its reason, while connecting).
 */
export async function connectServers(servers: ReadonlyArray<McpServerSpec & { name: string }>, options: ConnectOptions): Promise<McpConnections> {
  const params = servers.map((spec) => serverParams(spec, spec.name, namingServer(spec.name, options.resolve)));
  options.signal.throwIfAborted();
  const opened: Connection[] = [];
  const closeOpened = once(() => closeAll(opened));
  // Stopped by the attempt, the connect timeout, or the first server that fails (the others need not finish).
  const stop = new AbortController();
  const unfollow = follow(options.signal, stop);
  const timer = setTimeout(() => stop.abort(new ConnectTimeout()), connectTimeoutMs);
  let failure: unknown;
  const listed = await Promise.all(
    params.map(async (p) => {
      try {
        return await connectOne(p, options, stop.signal, opened);
      } catch (error) {
        failure ??= error;
        stop.abort(error);
        return [];
      }
    }),
  );
  clearTimeout(timer);
  unfollow();
  if (options.signal.aborted || failure !== undefined) {
    await closeOpened();
    throw options.signal.aborted ? options.signal.reason : failure;
  }

  const found = listed.flat();
  const names = uniqueToolNames(found.map((t) => ({ server: t.server, tool: t.tool })));
  const tools = found.map((t, i) => ({ ...t, name: names[i] ?? t.tool }));
  const byServer = new Map(opened.map((c) => [c.server, c]));
  const onAbort = (): void => void close();
  const close = once(async () => {
    options.signal.removeEventListener("abort", onAbort);
    await closeOpened();
  });
  options.signal.addEventListener("abort", onAbort, { once: true });
  return { tools, call: (tool, input, callOptions) => callTool(byServer.get(tool.server), tool, input, callOptions), close };
}

async function connectOne(p: ServerParams, options: ConnectOptions, signal: AbortSignal, opened: Connection[]): Promise<Omit<McpTool, "name">[]> {
  let connection: Connection | undefined;
  try {
    if (p.type !== "stdio") await options.checkEgress?.(p.url);
    signal.throwIfAborted();
    const helped = p.type !== "stdio" && p.headersHelper !== undefined ? await helperHeaders(p, p.headersHelper, options, signal) : p;
    const transport = createTransport(helped, options);
    const client = new Client({ name: options.clientName ?? "nexaas", version: clientVersion() }, { capabilities: {} });
    connection = { server: p.name, client, transport, stdio: transport instanceof StdioGroupTransport ? transport : undefined };
    opened.push(connection);
    const request = { signal, timeout: connectTimeoutMs };
    await client.connect(transport, request);
    const tools: Omit<McpTool, "name">[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor === undefined ? {} : { cursor }, request);
      for (const t of page.tools) tools.push({ server: p.name, tool: t.name, description: t.description ?? "", inputSchema: t.inputSchema });
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return tools;
  } catch (error) {
    // Stopped from outside (the attempt, or another server failing first): not this server's fault.
    if (signal.aborted && !(signal.reason instanceof ConnectTimeout)) throw signal.reason;
    if (error instanceof McpServerError) throw error;
    throw new McpServerError(p.name, await connectFailure(error, connection, signal), { cause: error });
  }
}

/** `p` with the headers its headersHelper prints added over its own; their values are remembered for masking. */
async function helperHeaders(p: Extract<ServerParams, { type: "http" | "sse" }>, command: string, options: ConnectOptions, signal: AbortSignal): Promise<ServerParams> {
  const extra = await runHeadersHelper(command, { server: p.name, url: p.url, cwd: options.workspaceDir, signal });
  for (const value of Object.values(extra)) if (value !== "") options.remember?.(value);
  return { ...p, headers: { ...p.headers, ...extra } };
}

function createTransport(p: ServerParams, options: ConnectOptions): Transport {
  if (p.type === "stdio") {
    // The SDK's safe defaults (HOME, PATH, ...) and what the entry lists: never the
    // controller's whole environment, which holds the Anthropic key and other secrets.
    const env = { ...getDefaultEnvironment(), ...p.env };
    const cwd = p.cwd === undefined ? options.workspaceDir : resolvePath(options.workspaceDir, p.cwd);
    return new StdioGroupTransport({ command: p.command, args: p.args, env, cwd }, options.onProcess);
  }
  const requestInit = { headers: p.headers };
  return p.type === "http" ? new StreamableHTTPClientTransport(p.url, { requestInit }) : new SSEClientTransport(p.url, { requestInit });
}

/** Why a server could not be connected, in words for a run's error. */
async function connectFailure(error: unknown, connection: Connection | undefined, signal: AbortSignal): Promise<string> {
  if (signal.reason instanceof ConnectTimeout || (error instanceof McpError && error.code === ErrorCode.RequestTimeout)) {
    return `did not start and list its tools within ${connectTimeoutMs / 1000}s${stderrNote(connection?.stdio)}`;
  }
  const stdio = connection?.stdio;
  if (stdio) {
    // An early exit closes stdout before "close" fires: wait for it, so the exit code and stderr are known.
    await stdio.close();
    if (stdio.group === undefined) return `could not start ${JSON.stringify(stdio.command)}: ${errorMessage(error)}`;
    if (stdio.exit && (stdio.exit.code !== null || stdio.exit.signal !== null)) return `${exitWords(stdio)} before it was ready${stderrNote(stdio)}`;
  }
  return `${describe(error)}${stderrNote(stdio)}`;
}

async function callTool(connection: Connection | undefined, tool: McpTool, input: Record<string, unknown>, options: { signal: AbortSignal; timeoutMs: number }): Promise<McpToolResult> {
  options.signal.throwIfAborted();
  if (!connection) return errorResult(`MCP server "${tool.server}" is not connected in this run`);
  // One controller per call, following the attempt's signal: the SDK adds an abort
  // listener to the signal it gets and never removes it, so handing it the attempt's
  // own signal would pile up one listener per call.
  const controller = new AbortController();
  const unfollow = follow(options.signal, controller);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`timed out after ${seconds(options.timeoutMs)}`));
  }, options.timeoutMs);
  try {
    const result = await connection.client.callTool({ name: tool.tool, arguments: input }, undefined, { signal: controller.signal, timeout: options.timeoutMs });
    return toToolResult(result);
  } catch (error) {
    if (options.signal.aborted) throw options.signal.reason;
    if (timedOut || (error instanceof McpError && error.code === ErrorCode.RequestTimeout)) {
      return errorResult(`${tool.name} timed out after ${seconds(options.timeoutMs)}; the call was cancelled`);
    }
    return errorResult(callFailure(connection, error));
  } finally {
    clearTimeout(timer);
    unfollow();
  }
}

function callFailure(connection: Connection, error: unknown): string {
  const stdio = connection.stdio;
  if (stdio?.exit) return `MCP server "${connection.server}" ${exitWords(stdio)}${stderrNote(stdio)}`;
  return `MCP server "${connection.server}": ${describe(error)}`;
}

async function closeAll(connections: readonly Connection[]): Promise<void> {
  await Promise.all(
    connections.map(async (c) => {
      try {
        await c.client.close();
      } catch {
        // Closing is best effort; the process group is what must go, and stdio's close does that.
      }
      await c.stdio?.close();
    }),
  );
}

function describe(error: unknown): string {
  // The SDK's HTTP errors carry the status apart from a message that may not say it.
  const status = (error instanceof StreamableHTTPError || error instanceof SseError) && error.code !== undefined ? `HTTP ${error.code}: ` : "";
  const message = status + errorMessage(error);
  const cause = error instanceof Error && error.cause !== undefined ? errorMessage(error.cause) : "";
  return cause && !message.includes(cause) ? `${message} (${cause})` : message;
}

function exitWords(stdio: StdioGroupTransport): string {
  const exit = stdio.exit;
  if (exit?.signal) return `was killed by ${exit.signal}`;
  return `exited with code ${exit?.code ?? "?"}`;
}

/**
 * The server's last words: its last stderr line on the message's first line
 * (what a list of runs shows), and the whole kept tail below when there is more.
 */
function stderrNote(stdio: StdioGroupTransport | undefined): string {
  const tail = stdio?.stderrTail?.trimEnd();
  if (!tail) return "";
  const lines = tail.split("\n");
  const last = lines.at(-1)?.trim() ?? "";
  return lines.length === 1 ? `; stderr: ${last}` : `; stderr: ${last}\nstderr, last lines:\n${tail}`;
}

const seconds = (ms: number): string => `${ms / 1000}s`;

/** Aborts `target` when `source` aborts (with its reason); returns the unlink. */
function follow(source: AbortSignal, target: AbortController): () => void {
  if (source.aborted) {
    target.abort(source.reason);
    return () => {};
  }
  const onAbort = (): void => target.abort(source.reason);
  source.addEventListener("abort", onAbort, { once: true });
  return () => source.removeEventListener("abort", onAbort);
}

/** `fn` run at most once; every call gets the first call's promise. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}

let version: string | undefined;
const clientVersion = (): string => (version ??= readPackageVersion());

/**
 * `resolve` whose failure (a variable that is not set) names the server it was
 * for. The error keeps its class and code (a missing secret is not retried);
 * only its message gains the server's name.
 */
function namingServer(server: string, resolve: (text: string) => string): (text: string) => string {
  return (text) => {
    try {
      return resolve(text);
    } catch (error) {
      if (error instanceof Error) error.message = `MCP server "${server}": ${error.message}`;
      throw error;
    }
  };
}
