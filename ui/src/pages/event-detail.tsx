import { api } from "../api.js";
import { Link } from "../components/link.js";
import { LoadState } from "../components/load-state.js";
import { RunStrip } from "../components/run-strip.js";
import { RunsTable } from "../components/runs-table.js";
import { StatusBadge } from "../components/status-badge.js";
import { TextBlock } from "../components/text-block.js";
import { TimeText } from "../components/time-text.js";
import { usePoll } from "../use-poll.js";

/** One event: its state, the definition as applied, the next five fire times and its last runs. */
export function EventDetail({ id }: { id: string }) {
  const state = usePoll((signal) => api.event(id, signal), `event:${id}`);
  return (
    <main id="main">
      <p class="crumbs">
        <Link href="/events">Events</Link> /
      </p>
      <h1>
        Event <code>{id}</code>
      </h1>
      <LoadState state={state}>
        {(event) => {
          const { next_fire_times, last_runs, ...definition } = event;
          return (
            <>
              <dl class="facts">
                <dt>Status</dt>
                <dd>
                  <StatusBadge status={event.status} /> {event.paused_reason}
                </dd>
                <dt>Agent</dt>
                <dd>{event.agent ?? "—"}</dd>
                <dt>Defined in</dt>
                <dd>
                  <code>{event.file}</code> ({event.layer}, {event.origin})
                </dd>
                <dt>Failures in a row</dt>
                <dd>{event.consecutive_failures}</dd>
                <dt>Last runs</dt>
                <dd>
                  <RunStrip runs={last_runs} />
                </dd>
              </dl>

              <section aria-labelledby="h-next">
                <h2 id="h-next">Next fire times</h2>
                {next_fire_times.length === 0 ? (
                  <p class="muted">None scheduled{event.status === "active" ? "" : ` (the event is ${event.status})`}.</p>
                ) : (
                  <ol class="plain">
                    {next_fire_times.map((t) => (
                      <li key={t}>
                        <TimeText iso={t} relative />
                      </li>
                    ))}
                  </ol>
                )}
              </section>

              <section aria-labelledby="h-definition">
                <h2 id="h-definition">Definition as applied</h2>
                <TextBlock text={JSON.stringify(definition, null, 2)} label="Definition" />
              </section>

              <section aria-labelledby="h-runs">
                <h2 id="h-runs">Last runs</h2>
                <RunsTable runs={last_runs} showEvent={false} />
                <p>
                  <Link href={`/runs?event=${encodeURIComponent(id)}`}>All runs of this event</Link>
                </p>
              </section>
            </>
          );
        }}
      </LoadState>
    </main>
  );
}
