-- 000008: the status page's overview on a big store (issue 14, bench/status-page.bench.mjs: 10,000
-- events, 1,000,000 runs). Its calls read whole tables before: /api/status parsed every event's
-- spec (65 ms), and the last failed runs were found by walking runs newest first (all of them when
-- nothing failed). Jobs per status are not counted by triggers: each would cost every enqueue,
-- claim and completion a page (about 15% of bench/queue.bench.mjs's jobs/s); the overview takes
-- queued, running and ready from /api/status (the queue's partial indexes) instead of /api/queue.

-- Events by state without parsing each spec: what decides the state, generated and indexed. The
-- index holds the generated values, so counting reads it alone. None of its columns changes when an
-- event fires (next_fire_at is left out on purpose): the scheduler's writes do not touch it.
ALTER TABLE events ADD COLUMN expires_at TEXT GENERATED ALWAYS AS (json_extract(spec, '$.policy.expires_at')) VIRTUAL;
CREATE INDEX events_state ON events (enabled, paused, expires_at, condition_type);

-- The last failed runs (the overview's "failures in the last 24 hours", /api/runs?status=failed):
-- few rows, written once when a run fails. Queries repeat the term as is (status = 'failed').
CREATE INDEX event_runs_failed ON event_runs (id) WHERE status = 'failed';
