import { resolve } from "node:path";
import { defineCommand } from "../support/command.js";
import { UsageError } from "../support/errors.js";
import { openStore } from "../support/open-store.js";

export const command = defineCommand({
  summary: "copy a SQLite store into an empty PostgreSQL database",
  help: `Usage: nexaas store copy --from PATH --to URL [--json]

Copies every table of the SQLite store at PATH (default: --db, DATABASE_PATH,
else data/nexaas.db in the workspace) into the PostgreSQL database at URL
(postgres://user:password@host/db; default: DATABASE_URL): definitions, run
history with transcripts, token usage, API tokens and sessions. The target is
migrated first and must hold no data; the copy is one transaction, so a failed
copy leaves it empty. Ids are kept, so run numbers stay the same.

Stop the controller first (a run that ends during the copy is not in it), copy,
then start the controllers with DATABASE_URL set.

  --from PATH   the SQLite file
  --to URL      the PostgreSQL database

Exit codes: 0 copied, 1 failure (no such file, target not empty, server
unreachable), 2 usage error.`,
  options: { from: { type: "string" }, to: { type: "string" } },
  async run(ctx) {
    const from = ctx.values.from === undefined ? ctx.common.db : resolve(ctx.cwd, ctx.values.from);
    const to = ctx.values.to ?? ctx.env.DATABASE_URL;
    const { isPostgresUrl, openPostgres, redactUrl } = await import("../../controller/store/open-postgres.js");
    if (to === undefined) throw new UsageError("--to URL is missing: the PostgreSQL database to copy into (or set DATABASE_URL)");
    if (!isPostgresUrl(to)) throw new UsageError(`--to must be a postgres:// URL, not ${redactUrl(to)}`);
    const db = await openStore(from, { create: false });
    try {
      const target = await openPostgres(to, { max: 1 });
      try {
        const { copyStore } = await import("../../controller/store/copy-store.js");
        const started = performance.now();
        const report = await copyStore(db, target);
        const ms = Math.round(performance.now() - started);
        const rows = report.tables.reduce((sum, t) => sum + t.rows, 0);
        if (ctx.common.json) {
          ctx.stdout(JSON.stringify({ from, to: redactUrl(to), rows, duration_ms: ms, tables: report.tables }, null, 2) + "\n");
        } else {
          const copied = report.tables.filter((t) => t.rows > 0).map((t) => `${t.table} ${t.rows}`);
          ctx.stdout(`copied ${rows} rows from ${from} to ${redactUrl(to)} in ${ms} ms${copied.length > 0 ? `: ${copied.join(", ")}` : ""}\n`);
        }
        return 0;
      } finally {
        await target.close();
      }
    } finally {
      db.close();
    }
  },
});
