import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { defineCommand } from "./support/command.js";
import { CommandError, UsageError } from "./support/errors.js";
import { openStore } from "./support/open-store.js";

export const command = defineCommand({
  summary: "copy the database to FILE while the controller runs",
  help: `Usage: nexaas backup FILE [--force] [--db PATH] [--workspace DIR] [--json]

Copies the database (--db, else DATABASE_PATH, else data/nexaas.db in the
workspace) to FILE with SQLite's online backup: a consistent snapshot taken
while the controller goes on running and writing (WAL included); nothing is
stopped. FILE appears only once complete. Prints its size and how long it took.

  --force   replace FILE if it exists (otherwise an existing FILE is refused)

Restore: stop the controller, delete DATABASE_PATH's -wal and -shm files,
copy FILE to DATABASE_PATH, start the controller (README: "Backup and restore").

Exit codes: 0 backed up, 1 failure, 2 usage error.`,
  maxPositionals: 1,
  readsEnvFile: true,
  options: { force: { type: "boolean" } },
  async run(ctx) {
    if (ctx.common.databaseUrl !== undefined) {
      throw new CommandError("backup copies the SQLite file; a PostgreSQL database (DATABASE_URL) is backed up with its own tools (pg_dump, or the server's base backups and WAL archive)", "postgres-backup");
    }
    const [target] = ctx.positionals;
    if (target === undefined) throw new UsageError("FILE is missing: where to write the backup");
    const file = resolve(ctx.cwd, target);
    if (file === ctx.common.db) throw new UsageError(`${target} is the database itself`);
    if (existsSync(file)) {
      if (statSync(file).isDirectory()) throw new UsageError(`${target} is a folder: give a file name`);
      if (ctx.values.force !== true) throw new CommandError(`${target} exists: pass --force to replace it`, "backup-exists");
    }
    const db = await openStore(ctx.common.db, { create: false });
    try {
      const { backupDatabase } = await import("../controller/store/backup-database.js");
      const report = await backupDatabase(db, file);
      const ms = Math.round(report.durationMs);
      if (ctx.common.json) ctx.stdout(JSON.stringify({ file, database: ctx.common.db, bytes: report.bytes, pages: report.pages, duration_ms: ms }, null, 2) + "\n");
      else ctx.stdout(`backed up ${ctx.common.db} to ${file}: ${formatBytes(report.bytes)} in ${ms} ms\n`);
      return 0;
    } finally {
      db.close();
    }
  },
});

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
