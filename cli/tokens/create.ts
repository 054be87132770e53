import { defineCommand } from "../support/command.js";
import { CommandError, UsageError } from "../support/errors.js";
import { openStoreSql } from "../support/open-store.js";

export const command = defineCommand({
  summary: "make a named read token and print it once",
  help: `Usage: nexaas tokens create NAME [--expires DUR] [--json] [--db PATH]

Makes a read token for the status API and page, and prints it once: only its
SHA-256 is stored. --expires DUR ends it after DUR (e.g. 90d; at most 366d);
without it, the token lasts until \`nexaas tokens revoke NAME\`.
--json prints {name, token, expires_at}.

Exit codes: 0 made, 1 the name is taken, 2 usage error.`,
  maxPositionals: 1,
  options: { expires: { type: "string" } },
  async run(ctx) {
    const [name] = ctx.positionals;
    if (name === undefined) throw new UsageError("which name? nexaas tokens create NAME");
    const { hashApiToken, newApiToken, tokenNameProblem } = await import("../../controller/api/api-token.js");
    const problem = tokenNameProblem(name);
    if (problem) throw new UsageError(problem);
    let lifetimeMs: number | undefined;
    if (ctx.values.expires !== undefined) {
      const { parseDuration } = await import("../../controller/definitions/duration.js");
      lifetimeMs = parseDuration(ctx.values.expires);
      if (lifetimeMs === undefined) throw new UsageError(`--expires ${ctx.values.expires}: not a duration up to 366d (e.g. 90d, 12h)`);
    }
    const now = new Date();
    const expiresAt = lifetimeMs === undefined ? null : new Date(now.getTime() + lifetimeMs);
    const token = newApiToken();
    const sql = await openStoreSql(ctx.common, { create: true });
    try {
      const { createApiToken } = await import("../../controller/store/create-api-token.js");
      if (!(await createApiToken(sql, { name, tokenHash: hashApiToken(token), createdAt: now, expiresAt }))) {
        throw new CommandError(`a token named "${name}" exists already (revoked tokens keep their names): pick another name`, "name-taken");
      }
    } finally {
      await sql.close();
    }
    const expires_at = expiresAt?.toISOString() ?? null;
    if (ctx.common.json) ctx.stdout(JSON.stringify({ name, token, expires_at }) + "\n");
    else ctx.stdout(`${token}\nToken "${name}" made (${expires_at ? `expires ${expires_at}` : "never expires"}). It will not be shown again: keep it now.\n`);
    return 0;
  },
});
