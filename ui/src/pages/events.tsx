import { api, query, type Run } from "../api.js";
import { ChoiceFilter } from "../components/choice-filter.js";
import { Link } from "../components/link.js";
import { LoadState } from "../components/load-state.js";
import { RunStrip } from "../components/run-strip.js";
import { StatusBadge } from "../components/status-badge.js";
import { TimeText } from "../components/time-text.js";
import { navigate } from "../router.js";
import { usePoll } from "../use-poll.js";

const statuses = ["active", "paused", "disabled", "expired"];
const pageSize = 100;
// The strips come from the newest runs of all events (one request, not one per event).
const recentRuns = 500;
const marksPerEvent = 10;

function runsByEvent(runs: readonly Run[]): Map<string, Run[]> {
  const map = new Map<string, Run[]>();
  for (const run of runs) {
    const list = map.get(run.event_id) ?? [];
    if (list.length < marksPerEvent) list.push(run);
    map.set(run.event_id, list);
  }
  return map;
}

/** Events with their state, next fire time and last runs; filters by status and agent, in the query string. */
export function Events({ params }: { params: URLSearchParams }) {
  const status = params.get("status") ?? "";
  const agent = params.get("agent") ?? "";
  const after = params.get("after") ?? "";
  const state = usePoll(
    async (signal) => {
      const [page, agents, runs] = await Promise.all([
        api.events({ status, agent, after, limit: pageSize }, signal),
        api.agents(signal),
        api.runs({ limit: recentRuns }, signal),
      ]);
      return { page, agents: agents.map((a) => a.name), runs: runsByEvent(runs.runs) };
    },
    `events?${status}&${agent}&${after}`,
  );
  const filter = (change: Record<string, string>) => navigate(`/events${query({ status, agent, ...change, after: undefined })}`, { replace: true });

  return (
    <main id="main">
      <h1>Events</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter events">
        <ChoiceFilter label="Status" value={status} choices={statuses} onChange={(v) => filter({ status: v })} />
        <ChoiceFilter label="Agent" value={agent} choices={state.data?.agents ?? []} onChange={(v) => filter({ agent: v })} />
      </form>
      <LoadState state={state}>
        {({ page, runs }) =>
          page.events.length === 0 ? (
            <p class="muted">No events match.</p>
          ) : (
            <>
              <div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Event</th>
                      <th scope="col">Status</th>
                      <th scope="col">Agent</th>
                      <th scope="col">Condition</th>
                      <th scope="col">Next fire</th>
                      <th scope="col">Failures in a row</th>
                      <th scope="col">Last runs</th>
                    </tr>
                  </thead>
                  <tbody>
                    {page.events.map((event) => (
                      <tr key={event.id}>
                        <td>
                          <Link href={`/events/${encodeURIComponent(event.id)}`}>{event.id}</Link>
                          {event.description && <div class="muted small">{event.description}</div>}
                        </td>
                        <td>
                          <StatusBadge status={event.status} />
                          {event.paused_reason && <div class="muted small">{event.paused_reason}</div>}
                        </td>
                        <td>{event.agent ?? <span class="muted">—</span>}</td>
                        <td>
                          {event.condition.type} {event.condition.expr !== null && <code>{String(event.condition.expr)}</code>}
                        </td>
                        <td>
                          <TimeText iso={event.next_fire_at} relative />
                        </td>
                        <td class="num">{event.consecutive_failures}</td>
                        <td>
                          <RunStrip runs={runs.get(event.id) ?? []} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <p class="muted small">Last runs: up to {marksPerEvent} per event among the {recentRuns} newest runs.</p>
              <nav class="pager" aria-label="Pages of events">
                {after !== "" && <Link href={`/events${query({ status, agent })}`}>First page</Link>}
                {page.next_after !== null && <Link href={`/events${query({ status, agent, after: page.next_after })}`}>Next page</Link>}
              </nav>
            </>
          )
        }
      </LoadState>
    </main>
  );
}
