import type { Clock } from "../clock.js";
import { DailyBudget } from "../notify/daily-budget.js";
import { noticeReconciled, noticeRunEnded } from "../notify/controller-notices.js";
import type { Notifier } from "../notify/notifier.js";
import type { ReconcileLoop } from "../reconcile/reconcile-loop.js";
import { readEndedRun } from "../store/ended-run.js";
import type { Sql } from "../store/sql/sql.js";
import { endedRun } from "../workers/run-job.js";
import type { WorkerPool } from "../workers/worker-pool.js";
import type { ControllerMetrics } from "./metrics-registry.js";

/** The controller's parts that an operator watches, and where what they do is told. */
export interface Observed {
  loop: ReconcileLoop;
  pool: WorkerPool;
  sql: Sql;
  clock: Clock;
  metrics: ControllerMetrics;
  notifier: Notifier;
  /** A failure while telling (a store fault reading the run back): the controller judges it. */
  onError: (error: unknown) => void;
}

/**
 * Feeds /metrics and nexaas.yaml's notifications as reconciles finish and runs
 * end or are lost. A run's figures come from its outcome (read back only when
 * it does not say); the notices and the daily budget's check go on after the
 * worker has moved on, off its hot path.
 */
export function observeController(o: Observed): void {
  // nexaas.yaml's budget, kept a while (every ended run asks) and forgotten when a revision is applied.
  const budget = new DailyBudget(o.sql);
  o.loop.on("reconciled", (r) => {
    if (r.result === "applied") budget.forget();
    o.metrics.reconciled(r.result, r.durationMs / 1000, r.result === "applied" ? r.applied.cancelledJobs : 0);
    try {
      noticeReconciled(o.notifier, r);
    } catch (error) {
      o.onError(error);
    }
  });
  o.pool.on("finished", ({ job, outcome }) => {
    if (outcome.status !== "success" && outcome.status !== "failed") return;
    const now = o.clock.now();
    void (async () => {
      const run = endedRun(job, outcome) ?? (await readEndedRun(o.sql, job.runId));
      if (run) o.metrics.runEnded(run);
      await noticeRunEnded(o.notifier, o.sql, now, job, outcome, () => budget.read());
    })().catch((error: unknown) => o.onError(error));
  });
  o.pool.on("lost", ({ eventId }) => o.metrics.runLost(eventId));
}
