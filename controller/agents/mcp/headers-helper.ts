import { spawn } from "node:child_process";
import { getDefaultEnvironment } from "@modelcontextprotocol/sdk/client/stdio.js";
import { McpServerError } from "./mcp-server-error.js";
import { signalGroup } from "./process-group.js";

/** How long a headersHelper may run before it is killed and the server fails. */
export const headersHelperTimeoutMs = 10_000;
/** More output than any set of headers needs ends the helper. */
const maxOutputBytes = 64 * 1024;

export interface HeadersHelperOptions {
  server: string;
  url: URL;
  /** The workspace: the helper's working directory. */
  cwd: string;
  signal: AbortSignal;
  timeoutMs?: number;
}

/**
 * Runs an entry's `headersHelper` as Claude Code does: a shell command, here in
 * the workspace, whose stdout is a JSON object of header names to strings. It
 * gets the SDK's safe environment (not the controller's, which holds the
 * Anthropic key) plus CLAUDE_CODE_MCP_SERVER_NAME and _URL. The helper leads
 * its own process group, killed at the timeout or the attempt's abort.
 */
export function runHeadersHelper(command: string, options: HeadersHelperOptions): Promise<Record<string, string>> {
  const fail = (why: string): McpServerError => new McpServerError(options.server, `headersHelper ${why}`);
  const env = { ...getDefaultEnvironment(), CLAUDE_CODE_MCP_SERVER_NAME: options.server, CLAUDE_CODE_MCP_SERVER_URL: options.url.href };
  const child = spawn("/bin/sh", ["-c", command], { cwd: options.cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const timeoutMs = options.timeoutMs ?? headersHelperTimeoutMs;
  return new Promise((done, reject) => {
    const out: Buffer[] = [];
    let size = 0;
    let stderr = "";
    let problem: McpServerError | Error | undefined;
    const stop = (why: McpServerError | Error): void => {
      problem ??= why;
      signalGroup(child.pid, "SIGKILL");
    };
    const timer = setTimeout(() => stop(fail(`did not finish within ${timeoutMs / 1000}s`)), timeoutMs);
    const onAbort = (): void => stop(options.signal.reason instanceof Error ? options.signal.reason : new Error("aborted"));
    options.signal.addEventListener("abort", onAbort, { once: true });
    if (options.signal.aborted) onAbort();
    child.stdout.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxOutputBytes) stop(fail(`wrote more than ${maxOutputBytes / 1024} KB`));
      else out.push(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => void (stderr = (stderr + chunk.toString("utf8")).slice(-2000)));
    child.on("error", (error) => stop(fail(`could not start: ${error.message}`)));
    child.on("close", (code) => {
      clearTimeout(timer);
      options.signal.removeEventListener("abort", onAbort);
      const note = stderr.trim() ? `; stderr:\n${stderr.trim()}` : "";
      if (problem) return reject(problem);
      if (code !== 0) return reject(fail(`exited with code ${code ?? "?"}${note}`));
      try {
        done(parseHeaders(Buffer.concat(out).toString("utf8")));
      } catch (error) {
        reject(fail(error instanceof Error ? error.message : String(error)));
      }
    });
  });
}

/** The helper's stdout as headers: a JSON object whose values are strings (never quoted back: they are secrets). */
function parseHeaders(text: string): Record<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error("did not print a JSON object of headers");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("did not print a JSON object of headers");
  const headers: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) {
    if (typeof v !== "string") throw new Error(`printed a non-string value for header "${name}"`);
    headers[name] = v;
  }
  return headers;
}
