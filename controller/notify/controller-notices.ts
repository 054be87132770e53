import type { Diagnostic } from "../definitions/diagnostic.js";
import type { ReconcileResult } from "../reconcile/reconcile.js";
import type { ClaimedJob } from "../queue/claim-job.js";
import { readDefinition } from "../store/read-definition.js";
import type { Sql } from "../store/sql/sql.js";
import { spendToday } from "../store/spend-today.js";
import type { JobOutcome } from "../workers/run-job.js";
import type { Notifier } from "./notifier.js";

const day = 24 * 60 * 60_000;
const short = (revision: string): string => (/^[0-9a-f]{40}$/.test(revision) ? revision.slice(0, 12) : revision);
const oneLine = (text: string, max = 300): string => {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

/**
 * A run ended: failed for good (run_failed, and event_paused when it paused
 * the event), or succeeded (recovered, after trouble was notified); then the
 * daily budget (budget_reached, once per UTC day). The error is the run's,
 * masked already by the worker.
 */
export async function noticeRunEnded(
  notifier: Notifier,
  sql: Sql,
  now: Date,
  job: ClaimedJob,
  outcome: JobOutcome,
  /** nexaas.yaml's budget.daily_usd (the controller keeps it a while, DailyBudget: every ended run asks). */
  dailyBudget: () => Promise<number | undefined> = async () => (await readDefinition(sql, "workspace", "workspace"))?.budget?.daily_usd,
): Promise<void> {
  const subject = `event:${job.eventId}`;
  const data = { event_id: job.eventId, run_id: job.runId, attempt: job.attempt };
  if (outcome.status === "success") {
    notifier.recovered(subject, `nexaas: event ${job.eventId} succeeded again (run ${job.runId})`, data);
  } else if (outcome.status === "failed") {
    const error = oneLine(outcome.error ?? "no error recorded");
    notifier.notify({ kind: "run_failed", subject, key: subject, text: `nexaas: run ${job.runId} of event ${job.eventId} failed for good (attempt ${job.attempt}): ${error}`, data: { ...data, error } });
    if (outcome.paused) {
      notifier.notify({ kind: "event_paused", subject, key: subject, text: `nexaas: event ${job.eventId} is paused after repeated failures; \`nexaas resume ${job.eventId}\` once fixed`, data: { ...data, error } });
    }
  } else return;
  const budget = await dailyBudget();
  if (budget === undefined) return;
  const spent = await spendToday(sql, now);
  if (spent < budget) return;
  const date = now.toISOString().slice(0, 10);
  notifier.notify({
    kind: "budget_reached",
    subject: "budget",
    key: `budget:${date}`,
    dedupeMs: day,
    text: `nexaas: the daily budget is reached: $${spent.toFixed(2)} spent today (UTC) of $${budget.toFixed(2)}; model calls wait until tomorrow or a higher budget.daily_usd`,
    data: { spent_today_usd: spent, daily_usd: budget, date },
  });
}

/** A reconcile ended: refused (revision_refused, once per revision), or applied/unchanged (recovered, after a refusal was notified). */
export function noticeReconciled(notifier: Notifier, result: ReconcileResult): void {
  if (result.result !== "invalid") {
    notifier.recovered("revision", `nexaas: revision ${short(result.revision)} is live; the workspace reconciles again`, { revision: result.revision });
    return;
  }
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  const first = errors[0];
  const where = (d: Diagnostic) => `${d.file}:${d.line}:${d.column} ${d.rule}: ${d.message}`;
  notifier.notify({
    kind: "revision_refused",
    subject: "revision",
    key: `revision:${result.revision}`,
    text: `nexaas: revision ${short(result.revision)} refused, nothing of it applied (the last good revision stays live): ${errors.length} error${errors.length === 1 ? "" : "s"}${first ? `, first ${oneLine(where(first), 200)}` : ""}`,
    data: { revision: result.revision, error_count: errors.length, errors: errors.slice(0, 10).map(({ file, line, column, rule, message }) => ({ file, line, column, rule, message })) },
  });
}
