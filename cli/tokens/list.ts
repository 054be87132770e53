import { defineCommand } from "../support/command.js";
import { openStoreSql } from "../support/open-store.js";

export const command = defineCommand({
  summary: "list the named read tokens (never the tokens themselves)",
  help: `Usage: nexaas tokens list [--json] [--db PATH]

Every named token, revoked ones too: name, created, expires, last used (noted at
most once a minute) and revoked. Never a token or its hash.
--json prints [{name, created_at, expires_at, last_used_at, revoked_at}].

Exit codes: 0 listed, 1 no database, 2 usage error.`,
  options: {},
  async run(ctx) {
    const sql = await openStoreSql(ctx.common, { create: false });
    try {
      const { listApiTokens } = await import("../../controller/store/list-api-tokens.js");
      const tokens = (await listApiTokens(sql)).map(({ name, created_at, expires_at, last_used_at, revoked_at }) => ({ name, created_at, expires_at, last_used_at, revoked_at }));
      if (ctx.common.json) {
        ctx.stdout(JSON.stringify(tokens, null, 2) + "\n");
        return 0;
      }
      if (tokens.length === 0) {
        ctx.stdout("no tokens: make one with `nexaas tokens create NAME`\n");
        return 0;
      }
      const rows = [["NAME", "CREATED", "EXPIRES", "LAST USED", "REVOKED"], ...tokens.map((t) => [t.name, t.created_at, t.expires_at ?? "never", t.last_used_at ?? "-", t.revoked_at ?? "-"])];
      const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
      ctx.stdout(rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  ").trimEnd()).join("\n") + "\n");
      return 0;
    } finally {
      await sql.close();
    }
  },
});
