import type { Run } from "../api.js";
import { formatTime } from "../format.js";
import { Link } from "./link.js";

/** The last runs as coloured marks, oldest first; each mark is a link whose name says the status and time. */
export function RunStrip({ runs }: { runs: readonly Run[] }) {
  if (runs.length === 0) return <span class="muted">no runs</span>;
  return (
    <ol class="strip" aria-label="last runs, oldest first">
      {[...runs].reverse().map((run) => {
        const label = `run ${run.id} ${run.status} ${formatTime(run.finished_at ?? run.started_at ?? run.scheduled_for)}`;
        return (
          <li key={run.id}>
            <Link href={`/runs/${run.id}`} class={`mark status-${run.status}`} title={label} aria-label={label}>
              <span class="mark-letter" aria-hidden="true">
                {run.status.charAt(0)}
              </span>
            </Link>
          </li>
        );
      })}
    </ol>
  );
}
