import { checkFence } from "../store/controller-lock.js";
import type { Diagnostic } from "../definitions/diagnostic.js";
import { type TreeSelector, validateWorkspace } from "../definitions/validate-workspace.js";
import { resolveRevision } from "../source/resolve-revision.js";
import { readObjects } from "../store/read-objects.js";
import type { Sql } from "../store/sql/sql.js";
import { getSyncStatus, recordInvalid, recordUnchanged } from "../store/sync-status.js";
import { type ApplyResult, applyPlan } from "./apply-plan.js";
import { desiredState } from "./desired-state.js";
import { frameworkDigest } from "./framework-digest.js";
import { type Plan, plan } from "./plan.js";

export interface ReconcileOptions {
  /** The workspace folder (it may be a subfolder of a larger repository). */
  dir: string;
  /** Default HEAD. */
  revision?: string;
  /**
   * "worktree" reads the working tree as it is (`start --worktree`, for local
   * authoring): no commit, no no-op key, the status names the revision "worktree".
   */
  source?: "git" | "worktree";
  /** Re-plan even when the revision's tree was applied already: finds rows edited out of band. */
  force?: boolean;
  now?: Date;
  frameworkDir?: string | null;
}

export type ReconcileResult =
  | { result: "unchanged"; revision: string }
  | { result: "invalid"; revision: string; diagnostics: Diagnostic[] }
  | { result: "applied"; revision: string; plan: Plan; applied: ApplyResult; diagnostics: Diagnostic[] };

/**
 * One reconcile of one revision, as Flux treats a commit: a transaction.
 * source -> definitions (validate) -> plan (pure) -> apply (one transaction).
 * An invalid revision changes nothing but the status, which lists every error.
 */
export async function reconcile(sql: Sql, options: ReconcileOptions): Promise<ReconcileResult> {
  const now = options.now ?? new Date();
  if (options.source === "worktree") return reconcileTree(sql, options, "worktree", { from: "worktree" }, "worktree", now);
  const { commit, tree } = await resolveRevision(options.dir, options.revision ?? "HEAD");
  const key = `${tree}:${await frameworkDigest(options.frameworkDir)}`;
  const status = await getSyncStatus(sql);
  if (!options.force && status.last_applied_key === key) {
    // Same workspace tree and framework as what is live: nothing to load or plan. Only a
    // new commit (one that did not touch the workspace) is noted as attempted.
    if (status.last_attempted_revision !== commit) await recordUnchanged(sql, { revision: commit, at: now });
    return { result: "unchanged", revision: commit };
  }

  return reconcileTree(sql, options, commit, { from: "revision", revision: commit }, key, now);
}

async function reconcileTree(sql: Sql, options: ReconcileOptions, revision: string, tree: TreeSelector, key: string, now: Date): Promise<ReconcileResult> {
  const validation = await validateWorkspace({ dir: options.dir, tree, now, frameworkDir: options.frameworkDir });
  if (!validation.ok) {
    await recordInvalid(sql, { revision, at: now, errors: validation.diagnostics });
    return { result: "invalid", revision, diagnostics: validation.diagnostics };
  }
  const desired = desiredState(validation.defs);
  // Read, plan and write in one transaction, IMMEDIATE on SQLite and behind a
  // lock on PostgreSQL: a second controller or `apply` on the same database
  // waits, then plans against what this one wrote (or finds the tree live
  // already) instead of applying a stale plan.
  return sql.transaction(async (tx): Promise<ReconcileResult> => {
    await tx.lock("nexaas:reconcile");
    await checkFence(tx);
    const status = await getSyncStatus(tx);
    if (!options.force && key !== "worktree" && status.last_applied_key === key) return { result: "unchanged", revision };
    const thePlan = plan(desired, await readObjects(tx), { base: status.last_applied_revision, head: revision, now });
    const applied = await applyPlan(tx, { plan: thePlan, desired, revision, key, now });
    return { result: "applied", revision, plan: thePlan, applied, diagnostics: validation.diagnostics };
  });
}
