import { GitError } from "../controller/source/git.js";
import { StoreError } from "../controller/store/store-error.js";
import type { RunnableCommand } from "./support/command.js";
import { CommandError, DuringError, UsageError } from "./support/errors.js";

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
  ["import", () => import("./import.js")],
  ["tokens", () => import("./tokens.js")],
  ["doctor", () => import("./doctor.js")],
  ["version", () => import("./version.js")],
  ["completion", () => import("./completion.js")],
  ["backup", () => import("./backup.js")],
  ["store", () => import("./store.js")],
]);

export interface CommandSpec {
  name: string;
  summary: string;
  /** Every --flag its help names, the common ones included. */
  flags: string[];
}

/** Every command with its summary and flags, read from the command files themselves: shell completion is generated from this. */
export async function commandSpecs(): Promise<CommandSpec[]> {
  return Promise.all(
    [...commands].map(async ([name, load]) => {
      const { command } = await load();
      const flags = new Set([...command.help.matchAll(/(?<![\w-])--[a-z][a-z-]*/g)].map((m) => m[0]));
      for (const flag of ["--workspace", "--db", "--json", "--help"]) flags.add(flag);
      return { name, summary: command.summary, flags: [...flags].sort() };
    }),
  );
}

async function topHelp(): Promise<string> {
  const lines = await Promise.all([...commands].map(async ([name, load]) => `  ${name.padEnd(11)} ${(await load()).command.summary}`));
  return `nexaas — GitOps controller for AI automations

Usage: nexaas <command> [options]

Commands:
${lines.join("\n")}

Options every command takes:
  -w, --workspace DIR  the workspace (default: current directory)
      --db PATH        the SQLite file (default: $DATABASE_PATH, else data/nexaas.db in the workspace),
                       or a postgres:// URL; $DATABASE_URL=postgres://… selects PostgreSQL too
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
  // `nexaas runs | head -2`: the reader went away, which is how pipes end, not an error.
  if (!io.stdout) process.stdout.on("error", (error: NodeJS.ErrnoException) => (error.code === "EPIPE" ? process.exit(0) : undefined));
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
    return await reportError(error, name, command, stderr, usageExit);
  }
}

/**
 * The one place errors become output and exit codes: a known error is one line on
 * stderr (a usage error adds the command's help); an unknown one is a bug, printed
 * with its stack and cause.
 */
export async function reportError(error: unknown, name: string, command: RunnableCommand, stderr: (t: string) => void, usageExit: number): Promise<number> {
  const doing: string[] = [];
  let cause = error;
  while (cause instanceof DuringError) {
    doing.push(cause.message);
    cause = cause.cause;
  }
  const line = (message: string) => stderr(`nexaas ${name}: ${[...doing, message].join(": ")}\n`);
  if (cause instanceof UsageError || isParseArgsError(cause)) {
    line(cause.message);
    stderr(`\n${command.help.trim()}\n`);
    return usageExit;
  }
  if (cause instanceof CommandError || cause instanceof StoreError) {
    line(cause.message);
    return 1;
  }
  if (cause instanceof GitError) {
    // SourceError (a GitError) says what to do; a plain one ends with git's own stderr,
    // which may go on with a whole usage text: its first line says what failed.
    line(cause.message.split("\n", 1)[0] ?? "");
    return 1;
  }
  // controller.ts loads the whole runtime, so it is not imported up front: only a loaded
  // controller.ts throws ControllerLockedError, and then this import costs nothing.
  const controller = await import("../controller/controller.js").catch(() => undefined);
  if (controller && cause instanceof controller.ControllerLockedError) {
    line(cause.message);
    return 1;
  }
  stderr(`nexaas ${name}: ${[...doing, "unexpected error"].join(": ")}\n${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}\n`);
  if (cause instanceof Error && cause.cause) stderr(`caused by: ${String(cause.cause)}\n`);
  return 1;
}

/** node:util parseArgs throws a TypeError with an ERR_PARSE_ARGS_* code for an unknown flag or a missing value. */
function isParseArgsError(error: unknown): error is TypeError {
  return error instanceof TypeError && "code" in error && typeof error.code === "string" && error.code.startsWith("ERR_PARSE_ARGS");
}
