import type { RunnableCommand } from "./support/command.js";
import { subcommandGroup } from "./support/subcommands.js";

const help = `Usage: nexaas store copy --from PATH --to URL [--json]

Store maintenance.

  copy    copy a SQLite store (definitions, run history, transcripts, usage,
          tokens) into an empty PostgreSQL database: how a team moves to
          PostgreSQL (README: "PostgreSQL: several controllers, one leader")

Exit codes: 0 done, 1 failure, 2 usage error.`;

const subcommands = new Map<string, () => Promise<{ command: RunnableCommand }>>([["copy", () => import("./store/copy.js")]]);

export const command = subcommandGroup("store maintenance: copy a SQLite store into PostgreSQL", help, subcommands);
