import { api, query } from "../api.js";
import { Diagnostics } from "../components/diagnostics.js";
import { Link } from "../components/link.js";
import { LoadState } from "../components/load-state.js";
import { StatusBadge } from "../components/status-badge.js";
import { TimeText } from "../components/time-text.js";
import { shortRevision } from "../format.js";
import { usePoll } from "../use-poll.js";

const pageSize = 50;

/** Reconcile history: each revision tried, applied, unchanged or refused, with a refusal's errors. */
export function Revisions({ params }: { params: URLSearchParams }) {
  const before = params.get("before") ?? "";
  const state = usePoll((signal) => api.revisions({ limit: pageSize, before: before || undefined }, signal), `revisions?${before}`);
  return (
    <main id="main">
      <h1>Reconcile history</h1>
      <LoadState state={state}>
        {(page) => (
          <>
            {page.revisions.length === 0 ? (
              <p class="muted">No revision reconciled yet.</p>
            ) : (
              <ol class="revisions">
                {page.revisions.map((r, i) => (
                  <li key={`${r.revision}-${r.at}-${i}`} class="card">
                    <p>
                      <code title={r.revision}>{shortRevision(r.revision)}</code> <StatusBadge status={r.result} /> <TimeText iso={r.at} />
                    </p>
                    <Diagnostics errors={r.errors} />
                  </li>
                ))}
              </ol>
            )}
            <nav class="pager" aria-label="Pages of revisions">
              {before !== "" && <Link href="/revisions">Newest</Link>}
              {page.next_before !== null && <Link href={`/revisions${query({ before: page.next_before })}`}>Older</Link>}
            </nav>
          </>
        )}
      </LoadState>
    </main>
  );
}
