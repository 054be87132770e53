import { api, query } from "../api.js";
import { ChoiceFilter } from "../components/choice-filter.js";
import { Link } from "../components/link.js";
import { LoadState } from "../components/load-state.js";
import { RunsTable } from "../components/runs-table.js";
import { navigate } from "../router.js";
import { usePoll } from "../use-poll.js";

const statuses = ["queued", "running", "success", "failed", "cancelled"];
const pageSize = 50;

/** Runs newest first; filters (event, status) and the page cursor live in the query string. */
export function Runs({ params }: { params: URLSearchParams }) {
  const event = params.get("event") ?? "";
  const status = params.get("status") ?? "";
  const before = params.get("before") ?? "";
  const beforeId = /^[1-9][0-9]*$/.test(before) ? Number(before) : undefined;
  const state = usePoll((signal) => api.runs({ event, status, before: beforeId, limit: pageSize }, signal), `runs?${event}&${status}&${before}`);
  const filter = (change: Record<string, string>) => navigate(`/runs${query({ event, status, ...change })}`, { replace: true });

  return (
    <main id="main">
      <h1>Runs</h1>
      <form
        class="filters"
        aria-label="Filter runs"
        onSubmit={(e) => {
          e.preventDefault();
          const data = new FormData(e.currentTarget);
          filter({ event: String(data.get("event") ?? "").trim() });
        }}
      >
        <label>
          Event <input key={event} name="event" type="search" defaultValue={event} placeholder="event id" spellcheck={false} />
        </label>
        <button type="submit">Filter</button>
        <ChoiceFilter label="Status" value={status} choices={statuses} onChange={(v) => filter({ status: v })} />
      </form>
      <LoadState state={state}>
        {(page) => (
          <>
            <RunsTable runs={page.runs} />
            <nav class="pager" aria-label="Pages of runs">
              {before !== "" && <Link href={`/runs${query({ event, status })}`}>Newest</Link>}
              {page.next_before !== null && <Link href={`/runs${query({ event, status, before: page.next_before })}`}>Older runs</Link>}
            </nav>
          </>
        )}
      </LoadState>
    </main>
  );
}
