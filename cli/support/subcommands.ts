import type { RunnableCommand } from "./command.js";
import { UsageError } from "./errors.js";

/**
 * A command made of subcommands (`tokens create`, `store copy`), each in a file
 * of its own with its own flags, loaded only when named.
 */
export function subcommandGroup(summary: string, help: string, subcommands: ReadonlyMap<string, () => Promise<{ command: RunnableCommand }>>): RunnableCommand {
  const names = [...subcommands.keys()];
  const listed = names.length > 1 ? `${names.slice(0, -1).join(", ")} or ${names.at(-1) ?? ""}` : (names[0] ?? "");
  return {
    summary,
    help,
    async run(args, io) {
      const [sub, ...rest] = args;
      if (sub === "--help" || sub === "-h") {
        io.stdout(`${help}\n`);
        return 0;
      }
      if (sub === undefined) throw new UsageError(`missing subcommand: ${listed}`);
      const load = subcommands.get(sub);
      if (!load) throw new UsageError(`unknown subcommand "${sub}" (${listed})`);
      return (await load()).command.run(rest, io);
    },
  };
}
