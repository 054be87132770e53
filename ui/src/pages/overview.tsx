import { api, type EventStatus } from "../api.js";
import { Diagnostics } from "../components/diagnostics.js";
import { Link } from "../components/link.js";
import { LoadState } from "../components/load-state.js";
import { RunsTable } from "../components/runs-table.js";
import { StatusBadge } from "../components/status-badge.js";
import { TimeText } from "../components/time-text.js";
import { formatBudgetShare, formatUsd, shortRevision } from "../format.js";
import { recentFailures } from "../recent-failures.js";
import { usePoll } from "../use-poll.js";

const failurePage = 100;
const eventStates: EventStatus[] = ["active", "paused", "disabled", "expired"];

async function load(signal: AbortSignal) {
  // The queue's counts come with the status (cheap partial indexes); /api/queue counts every finished job too.
  const [status, failed] = await Promise.all([api.status(signal), api.runs({ status: "failed", limit: failurePage }, signal)]);
  return { status, failures: recentFailures(failed.runs, new Date(), failurePage) };
}

/** What is live, what was tried, events by state, the queue, today's spend, and the last day's failures. */
export function Overview() {
  const state = usePoll(load, "overview");
  return (
    <main id="main">
      <h1>Overview</h1>
      <LoadState state={state}>
        {({ status, failures }) => (
          <>
            <div class="cards">
              <section class="card card-wide" aria-labelledby="h-revision">
                <h2 id="h-revision">Revision</h2>
                <dl class="facts">
                  <dt>Applied</dt>
                  <dd>
                    <code title={status.last_applied_revision ?? undefined}>{shortRevision(status.last_applied_revision)}</code> <TimeText iso={status.last_applied_at} />
                  </dd>
                  <dt>Attempted</dt>
                  <dd>
                    <code title={status.last_attempted_revision ?? undefined}>{shortRevision(status.last_attempted_revision)}</code> <StatusBadge status={status.last_result} />{" "}
                    <TimeText iso={status.last_attempted_at} />
                  </dd>
                </dl>
                {status.errors.length > 0 && (
                  <>
                    <h3>Why it was refused</h3>
                    <Diagnostics errors={status.errors} />
                  </>
                )}
                {status.drift.length > 0 && <p class="muted">Put back after edits out of band: {status.drift.join(", ")}</p>}
              </section>

              <section class="card" aria-labelledby="h-events">
                <h2 id="h-events">Events</h2>
                <ul class="counts">
                  {eventStates.map((s) => (
                    <li key={s}>
                      <Link href={`/events?status=${s}`}>
                        <span class="count">{status.events[s]}</span> {s}
                      </Link>
                    </li>
                  ))}
                </ul>
              </section>

              <section class="card" aria-labelledby="h-queue">
                <h2 id="h-queue">Queue</h2>
                <ul class="counts">
                  <li>
                    <span class="count">{status.queue.queued}</span> queued ({status.queue.ready} ready now)
                  </li>
                  <li>
                    <span class="count">{status.queue.running}</span> running
                  </li>
                </ul>
              </section>

              <section class="card" aria-labelledby="h-spend">
                <h2 id="h-spend">Spend today</h2>
                <p class="big">{formatUsd(status.spend_today_usd)}</p>
                {status.budget_daily_usd === null ? (
                  <p class="muted">No daily budget (budget.daily_usd).</p>
                ) : (
                  <>
                    <meter
                      class="budget"
                      min={0}
                      max={status.budget_daily_usd}
                      high={status.budget_daily_usd * 0.8}
                      optimum={0}
                      value={status.spend_today_usd}
                      aria-label="Spend against the daily budget"
                    />
                    <p>{formatBudgetShare(status.spend_today_usd, status.budget_daily_usd)}</p>
                  </>
                )}
                <p class="muted">
                  Since midnight UTC. <Link href="/usage">Usage</Link>
                </p>
              </section>
            </div>

            <section aria-labelledby="h-failures">
              <h2 id="h-failures">
                Failures in the last 24 hours: {failures.runs.length}
                {failures.more ? "+" : ""}
              </h2>
              <RunsTable runs={failures.runs} />
              {failures.more && (
                <p>
                  <Link href="/runs?status=failed">All failed runs</Link>
                </p>
              )}
            </section>
          </>
        )}
      </LoadState>
    </main>
  );
}
