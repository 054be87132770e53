import { renameSync, rmSync, statSync } from "node:fs";
import type { Database } from "better-sqlite3";

export interface BackupReport {
  bytes: number;
  pages: number;
  durationMs: number;
}

/**
 * SQLite's online backup of `db` into `file` (better-sqlite3's `backup`): a
 * consistent snapshot while other connections (the controller) go on writing.
 * All pages are copied in one step, inside one read transaction: copied in
 * small steps, SQLite restarts the copy whenever another connection writes
 * between two of them, and a busy controller (a job a second) kept it from ever
 * ending. In WAL mode a reader blocks no writer, so the controller goes on
 * meanwhile (only a checkpoint waits). The copy goes to a file beside `file`
 * and is renamed into place only when complete: `file` is never half-written.
 */
/** better-sqlite3's largest step: every page left. */
const allPages = 0x7fffffff;

export async function backupDatabase(db: Database, file: string, now: () => number = () => performance.now()): Promise<BackupReport> {
  const started = now();
  const partial = `${file}.partial-${process.pid}`;
  try {
    const { totalPages } = await db.backup(partial, { progress: () => allPages });
    renameSync(partial, file);
    return { bytes: statSync(file).size, pages: totalPages, durationMs: now() - started };
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}
