import { api } from "../api.js";
import { Link } from "../components/link.js";
import { LoadState } from "../components/load-state.js";
import { StatusBadge } from "../components/status-badge.js";
import { TextBlock } from "../components/text-block.js";
import { TimeText } from "../components/time-text.js";
import { Transcript } from "../components/transcript.js";
import { formatDuration, prettyJson } from "../format.js";
import { usePoll } from "../use-poll.js";

/** One run: when and how it ran, its output and error, and its transcript. */
export function RunDetail({ id }: { id: string }) {
  const state = usePoll((signal) => api.run(id, signal), `run:${id}`);
  return (
    <main id="main">
      <p class="crumbs">
        <Link href="/runs">Runs</Link> /
      </p>
      <h1>Run #{id}</h1>
      <LoadState state={state}>
        {(run) => (
          <>
            <dl class="facts">
              <dt>Event</dt>
              <dd>
                <Link href={`/events/${encodeURIComponent(run.event_id)}`}>{run.event_id}</Link>
              </dd>
              <dt>Status</dt>
              <dd>
                <StatusBadge status={run.status} />
              </dd>
              <dt>Attempts</dt>
              <dd>{run.attempt}</dd>
              <dt>Stop reason</dt>
              <dd>{run.stop_reason ?? "—"}</dd>
              <dt>Trigger</dt>
              <dd>{run.trigger ?? "—"}</dd>
              <dt>Scheduled for</dt>
              <dd>
                <TimeText iso={run.scheduled_for} />
              </dd>
              <dt>Started</dt>
              <dd>
                <TimeText iso={run.started_at} />
              </dd>
              <dt>Finished</dt>
              <dd>
                <TimeText iso={run.finished_at} />
              </dd>
              <dt>Duration</dt>
              <dd>{formatDuration(run.duration_ms) || "—"}</dd>
            </dl>

            {run.error !== null && (
              <section aria-labelledby="h-error">
                <h2 id="h-error">Error</h2>
                <TextBlock text={run.error} label="Error" tone="error" />
              </section>
            )}
            <section aria-labelledby="h-output">
              <h2 id="h-output">Output</h2>
              <TextBlock text={run.output} label="Output" />
            </section>
            {run.payload !== null && (
              <section aria-labelledby="h-payload">
                <h2 id="h-payload">Trigger payload</h2>
                <TextBlock text={prettyJson(run.payload)} label="Payload" />
              </section>
            )}
            <section aria-labelledby="h-transcript">
              <h2 id="h-transcript">Transcript</h2>
              <Transcript steps={run.steps} />
            </section>
          </>
        )}
      </LoadState>
    </main>
  );
}
