import { defineCommand } from "../support/command.js";
import { CommandError, UsageError } from "../support/errors.js";
import { openStoreSql } from "../support/open-store.js";

export const command = defineCommand({
  summary: "revoke a named read token",
  help: `Usage: nexaas tokens revoke NAME [--json] [--db PATH]

The token stops working at once, and so does every status-page session signed
in with it, at its next request. The name stays taken. Revoking again is safe.
--json prints {name, revoked_at}.

Exit codes: 0 revoked, 1 no such token or no database, 2 usage error.`,
  maxPositionals: 1,
  options: {},
  async run(ctx) {
    const [name] = ctx.positionals;
    if (name === undefined) throw new UsageError("which token? nexaas tokens revoke NAME");
    const sql = await openStoreSql(ctx.common, { create: false, write: true });
    try {
      const { revokeApiToken } = await import("../../controller/store/revoke-api-token.js");
      const revoked_at = await revokeApiToken(sql, name, new Date());
      if (revoked_at === undefined) throw new CommandError(`no token named "${name}" (see nexaas tokens list)`, "not-found");
      ctx.stdout(ctx.common.json ? JSON.stringify({ name, revoked_at }) + "\n" : `revoked ${name} (at ${revoked_at})\n`);
      return 0;
    } finally {
      await sql.close();
    }
  },
});
