import type { RunnableCommand } from "./support/command.js";
import { CommandError, UsageError } from "./support/errors.js";

/**
 * Commands load lazily so `nexaas validate` pays only for what it uses. The summaries
 * live in the command files; only the top-level help loads them all.
 */
const commands = new Map<string, () => Promise<{ command: RunnableCommand }>>([
  ["init", () => import("./init.js")],
  ["validate", () => import("./validate.js")],
  ["hooks", () => import("./hooks.js")],
  ["plan", () => import("./plan.js")],
  ["apply", () => import("./apply.js")],
  ["status", () => import("./status.js")],
  ["events", () => import("./events.js")],
  ["start", () => import("./start.js")],
  ["pause", () => import("./pause.js")],
  ["resume", () => import("./resume.js")],
  ["runs", () => import("./runs.js")],
  ["usage", () => import("./usage.js")],
  ["trigger", () => import("./trigger.js")],
  ["scan", () => import("./scan.js")],
  ["contribute", () => import("./contribute.js")],
]);

async function topHelp(): Promise<string> {
  const lines = await Promise.all([...commands].map(async ([name, load]) => `  ${name.padEnd(11)} ${(await load()).command.summary}`));
  return `nexaas — GitOps controller for AI automations

Usage: nexaas <command> [options]

Commands:
${lines.join("\n")}

Options every command takes:
  -w, --workspace DIR  the workspace (default: current directory)
      --db PATH        the SQLite file (default: $DATABASE_PATH, else data/nexaas.db in the workspace)
      --json           machine-readable output
  -h, --help           help for a command: nexaas <command> --help

Exit codes: 0 success, 1 failure or findings, 2 usage error.`;
}

export interface MainIO {
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export async function main(argv: string[], io: MainIO = {}): Promise<number> {
  const stdout = io.stdout ?? ((t: string) => process.stdout.write(t));
  const stderr = io.stderr ?? ((t: string) => process.stderr.write(t));
  const env = io.env ?? process.env;
  const cwd = io.cwd ?? process.cwd();
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    stdout((await topHelp()) + "\n");
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-V") {
    const { readPackageVersion } = await import("../controller/package-root.js");
    stdout(readPackageVersion() + "\n");
    return 0;
  }
  const load = commands.get(name);
  if (!load) {
    stderr(`nexaas: unknown command "${name}"\n\n${await topHelp()}\n`);
    return 2;
  }
  const { command } = await load();
  try {
    return await command.run(rest, { stdout, stderr, env, cwd });
  } catch (error) {
    // With --detailed-exitcode, 2 means "changes": a usage error must not look like one.
    const usageExit = rest.includes("--detailed-exitcode") ? 1 : 2;
    return reportError(error, name, command, stderr, usageExit);
  }
}

function reportError(error: unknown, name: string, command: RunnableCommand, stderr: (t: string) => void, usageExit: number): number {
  if (error instanceof UsageError || isParseArgsError(error)) {
    stderr(`nexaas ${name}: ${(error as Error).message}\n\n${command.help.trim()}\n`);
    return usageExit;
  }
  if (error instanceof CommandError) {
    stderr(`nexaas ${name}: ${error.message}\n`);
    return error.exitCode;
  }
  // Unknown errors keep their stack and cause: they are bugs to report.
  stderr(`nexaas ${name}: unexpected error\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  if (error instanceof Error && error.cause) stderr(`caused by: ${String(error.cause)}\n`);
  return 1;
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS");
}
