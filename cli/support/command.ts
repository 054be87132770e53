import type { ParseArgsConfig } from "node:util";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

/** Flags every command takes (SPEC §4), normalised once in main.ts. */
export interface CommonFlags {
  /** Absolute path of the workspace (default: current directory). */
  workspace: string;
  /** Absolute path of the database (--db, else DATABASE_PATH, else data/nexaas.db under the workspace). */
  db: string;
  json: boolean;
}

export interface CommandContext {
  common: CommonFlags;
  /** Command-specific option values, as parsed by node:util parseArgs. */
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface Command {
  /** One line for `nexaas --help`. */
  summary: string;
  /** The usage line and a paragraph or two, for `nexaas <command> --help`. */
  help: string;
  options: OptionSpec;
  /** How many positional arguments the command takes (default 0): extra ones are a usage error, not ignored. */
  maxPositionals?: number;
  /** Read the workspace's `.env` before flags are resolved (SPEC §9: `start` does; the environment wins). */
  readsEnvFile?: boolean;
  /** Returns the exit code. Throws UsageError / CommandError for the top-level catch. */
  run(ctx: CommandContext): Promise<number>;
}
