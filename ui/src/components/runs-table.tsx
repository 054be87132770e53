import type { Run } from "../api.js";
import { firstLine, formatDuration } from "../format.js";
import { Link } from "./link.js";
import { StatusBadge } from "./status-badge.js";
import { TimeText } from "./time-text.js";

/** Runs, newest first, each linked to its detail; `showEvent` false on an event's own page. */
export function RunsTable({ runs, showEvent = true }: { runs: readonly Run[]; showEvent?: boolean }) {
  if (runs.length === 0) return <p class="muted">No runs.</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Run</th>
            {showEvent && <th scope="col">Event</th>}
            <th scope="col">Status</th>
            <th scope="col">Attempt</th>
            <th scope="col">Scheduled for</th>
            <th scope="col">Duration</th>
            <th scope="col">Stop reason</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id}>
              <td>
                <Link href={`/runs/${run.id}`}>#{run.id}</Link>
              </td>
              {showEvent && (
                <td>
                  <Link href={`/events/${encodeURIComponent(run.event_id)}`}>{run.event_id}</Link>
                </td>
              )}
              <td>
                <StatusBadge status={run.status} />
              </td>
              <td class="num">{run.attempt}</td>
              <td>
                <TimeText iso={run.scheduled_for} />
              </td>
              <td class="num">{formatDuration(run.duration_ms)}</td>
              <td>{run.stop_reason ?? ""}</td>
              <td class="cell-error" title={run.error ?? undefined}>
                {firstLine(run.error)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
