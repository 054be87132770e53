import { isAbsolute, resolve } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { isPostgresUrl, isUrl, redactUrl } from "../../controller/store/database-url.js";
import { UsageError } from "./errors.js";
import { loadEnvFile } from "./load-env-file.js";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

/** Flags every command takes (SPEC §4). */
export const commonOptions = {
  workspace: { type: "string", short: "w" },
  db: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies OptionSpec;

/** The parseArgs config of a command whose own flags are O. */
interface ParseConfig<O extends OptionSpec> {
  args: string[];
  options: typeof commonOptions & O;
  allowPositionals: true;
  strict: true;
}

/** What node:util's parseArgs returns for that config: `{type: "string"}` reads as `string | undefined`. */
type Parsed<O extends OptionSpec> = ReturnType<typeof parseArgs<ParseConfig<O>>>;

/** The common flags, normalised once, here. */
export interface CommonFlags {
  /** Absolute path of the workspace (default: current directory). */
  workspace: string;
  /** Absolute path of the database (--db, else DATABASE_PATH, else data/nexaas.db under the workspace). */
  db: string;
  /**
   * The PostgreSQL store, when there is one (issue 16): `--db postgres://…`, else DATABASE_URL.
   * `db` then only places what lives beside a database on disk (the session secret, a pulled clone).
   */
  databaseUrl: string | undefined;
  json: boolean;
}

export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface CommandContext<O extends OptionSpec> extends CommandIO {
  common: CommonFlags;
  /** The flags as parseArgs typed them from the command's `options`. */
  values: Parsed<O>["values"];
  positionals: string[];
}

/** What a command file declares: typed over its own flags. */
export interface Command<O extends OptionSpec> {
  /** One line for `nexaas --help`. */
  summary: string;
  /** The usage line and a paragraph or two, for `nexaas <command> --help`. */
  help: string;
  options: O;
  /** How many positional arguments the command takes (default 0): extra ones are a usage error, not ignored. */
  maxPositionals?: number;
  /** Read the workspace's `.env` before flags are resolved (SPEC §9: `start` does; the environment wins). */
  readsEnvFile?: boolean;
  /** Returns the exit code. Throws for the top-level catch in main.ts, which maps errors to exit codes. */
  run(ctx: CommandContext<O>): Promise<number>;
}

/** What main.ts dispatches to: the command parses its own argv, so its flag types never pass through an untyped hand. */
export interface RunnableCommand {
  summary: string;
  help: string;
  run(args: string[], io: CommandIO): Promise<number>;
}

export function defineCommand<const O extends OptionSpec>(command: Command<O>): RunnableCommand {
  return {
    summary: command.summary,
    help: command.help,
    async run(args, io) {
      const config: ParseConfig<O> = { args, options: { ...commonOptions, ...command.options }, allowPositionals: true, strict: true };
      const { values, positionals } = parseArgs(config);
      const common = commonFlags(values, command.readsEnvFile === true, io);
      if (common === "help") {
        io.stdout(`${command.help.trim()}\n`);
        return 0;
      }
      const max = command.maxPositionals ?? 0;
      if (positionals.length > max) {
        throw new UsageError(`unexpected argument${positionals.length - max > 1 ? "s" : ""}: ${positionals.slice(max).join(" ")}`);
      }
      return command.run({ ...io, common, values, positionals });
    },
  };
}

/** DATABASE_URL from the environment, else from the workspace's `.env` (read here for commands that do not load it). */
function envDatabaseUrl(env: NodeJS.ProcessEnv, workspace: string, loaded: boolean): string | undefined {
  const set = env.DATABASE_URL?.trim();
  if (set || loaded) return set || undefined;
  const fromFile: NodeJS.ProcessEnv = {};
  try {
    loadEnvFile(workspace, fromFile);
  } catch {
    // A .env this command does not read otherwise: its faults are start's to report.
    return undefined;
  }
  return fromFile.DATABASE_URL?.trim() || undefined;
}

/** Precedence: flags, then the environment, then `.env` (for commands that read it), then defaults. */
function commonFlags(values: Record<string, unknown>, readsEnvFile: boolean, io: CommandIO): CommonFlags | "help" {
  if (values.help === true) return "help";
  const workspace = resolve(io.cwd, typeof values.workspace === "string" ? values.workspace : ".");
  if (readsEnvFile) loadEnvFile(workspace, io.env);
  const flag = typeof values.db === "string" ? values.db : undefined;
  const flagUrl = flag !== undefined && isPostgresUrl(flag) ? flag : undefined;
  const dbFlag = (flagUrl ? undefined : flag) ?? io.env.DATABASE_PATH;
  // A URL of another kind is no file name: said so, without its password (it would be a path in the message).
  if (dbFlag !== undefined && isUrl(dbFlag)) {
    throw new UsageError(`${flag === dbFlag ? "--db " : "DATABASE_PATH="}${redactUrl(dbFlag)}: a SQLite file's path, or a postgres:// URL`);
  }
  const db = dbFlag ? (isAbsolute(dbFlag) ? dbFlag : resolve(io.cwd, dbFlag)) : resolve(workspace, "data/nexaas.db");
  // Flags win: --db PATH keeps the SQLite file even where DATABASE_URL is set. Then the environment,
  // then the workspace's .env (as `start` reads it), so every command finds the same store.
  const databaseUrl = flagUrl ?? (flag !== undefined ? undefined : envDatabaseUrl(io.env, workspace, readsEnvFile));
  return { workspace, db, databaseUrl, json: values.json === true };
}
