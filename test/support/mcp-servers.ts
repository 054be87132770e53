import { mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ConnectOptions, McpServerSpec } from "../../controller/agents/mcp/connect-servers.js";

const require = createRequire(import.meta.url);

/** @modelcontextprotocol/server-filesystem's entry point (a real server nobody on the team wrote). */
export const filesystemServerScript = join(dirname(require.resolve("@modelcontextprotocol/server-filesystem/package.json")), "dist", "index.js");
/** Our fault server (test/support/mcp-stdio-server.mjs). */
export const testServerScript = join(dirname(fileURLToPath(import.meta.url)), "mcp-stdio-server.mjs");

/** An mcp-servers/<name> entry for a node script, run by this node. */
export function nodeServer(name: string, script: string, args: string[] = [], env?: Record<string, string>): McpServerSpec & { name: string } {
  return { name, type: "stdio", command: process.execPath, args: [script, ...args], ...(env ? { env } : {}) };
}

/** A fresh folder (realpath: macOS /tmp is a link), removed by the returned function. */
export function tempWorkspace(): { dir: string; remove(): void } {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "nexaas-mcp-")));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** ConnectOptions over `vars` (the controller env), recording what `resolve` handed out. */
export function connectOptions(workspaceDir: string, vars: Record<string, string> = {}, extra: Partial<ConnectOptions> = {}): ConnectOptions & { resolved: string[]; groups: number[] } {
  const resolved: string[] = [];
  const groups: number[] = [];
  return {
    workspaceDir,
    signal: new AbortController().signal,
    resolve: (text) =>
      text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
        const value = vars[name];
        if (value === undefined) throw new Error(`environment variable ${name} is not set`);
        resolved.push(value);
        return value;
      }),
    onProcess: (group) => groups.push(group),
    ...extra,
    resolved,
    groups,
  };
}

/** Whether any process of the group is alive (kill 0 checks without signalling). */
export function groupAlive(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw error;
  }
}

/** Whether `pid` runs: a zombie waiting for PID 1 to reap it (see process-group.ts) does not. Linux only. */
export function pidRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(")") + 2));
  } catch {
    return false;
  }
}
