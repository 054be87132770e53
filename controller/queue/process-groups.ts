import { hostname } from "node:os";
import type { Sql } from "../store/sql/sql.js";
import { immediate } from "./immediate.js";

/**
 * Records the process group a running job's script started, so that if this
 * controller dies the next one can kill the orphan before the job is retried
 * (a retry must not overlap the attempt it replaces).
 */
export function recordProcessGroup(sql: Sql, jobId: number, workerId: string, group: number): Promise<void> {
  return immediate(sql, async (tx) => {
    await tx.run("UPDATE job_queue SET process_group = ?, process_host = ? WHERE id = ? AND status = 'running' AND lease_owner = ?", [group, hostname(), jobId, workerId]);
  });
}

/** The jobs a dead owner left running, and the script process groups they had started. */
export interface Orphans {
  jobs: number;
  groups: { group: number; host: string }[];
}

/**
 * A controller that just took the database owns no running job: every job still
 * marked running was a previous owner's, which died (it released its jobs
 * otherwise). Their leases end now, so the first claim recovers them at once;
 * the groups their scripts started are returned, for the caller to kill before
 * that claim (the recovery's own RETURNING sees them already cleared).
 * Only where one controller owns the database (SQLite): on PostgreSQL, where
 * several work at once, the jobs running are the live ones' too.
 */
export function expireOrphanedLeases(sql: Sql): Promise<Orphans> {
  // A lapsed lease there is recovered by the next claim of any controller, as always.
  if (sql.dialect === "postgres") return Promise.resolve({ jobs: 0, groups: [] });
  return immediate(sql, async (tx) => {
    const rows = await tx.all<{ process_group: number | null; process_host: string | null }>(
      "UPDATE job_queue SET lease_expires_at = '0000-01-01T00:00:00.000Z' WHERE status = 'running' RETURNING process_group, process_host",
    );
    const groups = rows.flatMap((r) => (r.process_group !== null && r.process_host !== null ? [{ group: r.process_group, host: r.process_host }] : []));
    return { jobs: rows.length, groups };
  });
}

/** expireOrphanedLeases, then the orphans' scripts killed: before the first claim retries their jobs. */
export async function recoverOrphans(sql: Sql): Promise<{ jobs: number; killed: number }> {
  const orphans = await expireOrphanedLeases(sql);
  return { jobs: orphans.jobs, killed: killOrphanedGroups(orphans.groups) };
}

/** Kills what is left of a lost attempt's script on this host (a group on another host is not ours to reach). */
export function killOrphanedGroups(groups: readonly { group: number; host: string }[]): number {
  // Called on every claim, nearly always with none: hostname() is a system call.
  if (groups.length === 0) return 0;
  let killed = 0;
  const here = hostname();
  for (const { group, host } of groups) {
    if (host !== here) continue;
    try {
      process.kill(-group, "SIGKILL");
      killed++;
    } catch {
      // ESRCH: the group is gone already.
    }
  }
  return killed;
}
