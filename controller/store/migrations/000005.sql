-- 000005: costs that do not grow with history (issue 10). A claim, a webhook, a scrape of
-- /metrics and a retention batch each read a handful of index entries, however many runs,
-- jobs and token_usage rows the store has accumulated.

-- The claim's pick, split by whether a job has a concurrency key, so that jobs waiting on a
-- busy key are never walked: job_queue_free holds queued jobs with no key, in priority, run_at
-- order; job_queue_keyed holds the keyed ones grouped by key, so the claim looks at the head of
-- each key whose key is free (one index seek per key) instead of every job behind a busy one.
-- With one index, a backlog of 11,000 jobs behind one key made every claim (and so every webhook,
-- which pokes the workers) walk them all: 9 ms a claim. Each queued job is in exactly one of the
-- two, as it was in job_queue_ready, so an enqueue or a claim writes no more index pages.
-- Queries must repeat an index's WHERE terms (status = 'queued' AND concurrency_key IS NULL, or
-- a comparison on concurrency_key) for SQLite to use it.
DROP INDEX job_queue_ready;
-- job_queue_concurrency held every keyed job ever (finished ones too), so the claim's walk over the
-- keys would have walked history: it now holds only running keyed jobs, which is all it is asked.
DROP INDEX job_queue_concurrency;
CREATE INDEX job_queue_concurrency ON job_queue (concurrency_key, status) WHERE status = 'running' AND concurrency_key IS NOT NULL;
CREATE INDEX job_queue_free ON job_queue (priority, run_at) WHERE status = 'queued' AND concurrency_key IS NULL;
CREATE INDEX job_queue_keyed ON job_queue (concurrency_key, priority, run_at) WHERE status = 'queued' AND concurrency_key IS NOT NULL;

-- Retention deletes a run's job and chat messages with it. Without an index on job_queue.run_id,
-- deleting a run (the parent of job_queue's foreign key) would scan job_queue once per run.
-- run_id grows with every enqueue, so new entries go to the index's last page.
CREATE INDEX job_queue_run ON job_queue (run_id);
CREATE INDEX chat_messages_run ON chat_messages (run_id) WHERE run_id IS NOT NULL;

-- nexaas_paused_events and nexaas_events count these indexes, not the events table (whose
-- condition_type is computed from each row's JSON spec when read).
CREATE INDEX events_paused ON events (name) WHERE paused = 1;
CREATE INDEX events_condition ON events (condition_type);

-- Token usage totals per model, kept by a trigger as each model call is recorded, whoever
-- records it: /metrics reads one row per model instead of summing every call ever made.
-- token_usage is billing history and retention keeps it; the totals are never decremented,
-- so they are true counters (deleting usage rows by hand does not make them go back).
CREATE TABLE usage_totals (
  model                        TEXT PRIMARY KEY,
  calls                        INTEGER NOT NULL,
  input_tokens                 INTEGER NOT NULL,
  output_tokens                INTEGER NOT NULL,
  cache_creation_input_tokens  INTEGER NOT NULL,
  cache_read_input_tokens      INTEGER NOT NULL,
  -- total(): calls of unpriced models (cost NULL) count nothing.
  cost_usd                     REAL NOT NULL
) WITHOUT ROWID;
INSERT INTO usage_totals
  SELECT model, count(*), sum(input_tokens), sum(output_tokens), sum(cache_creation_input_tokens),
         sum(cache_read_input_tokens), total(cost_usd)
  FROM token_usage GROUP BY model;
CREATE TRIGGER token_usage_totals AFTER INSERT ON token_usage
BEGIN
  INSERT INTO usage_totals (model, calls, input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens, cost_usd)
  VALUES (new.model, 1, new.input_tokens, new.output_tokens, new.cache_creation_input_tokens, new.cache_read_input_tokens, coalesce(new.cost_usd, 0))
  ON CONFLICT (model) DO UPDATE SET
    calls = calls + 1,
    input_tokens = input_tokens + excluded.input_tokens,
    output_tokens = output_tokens + excluded.output_tokens,
    cache_creation_input_tokens = cache_creation_input_tokens + excluded.cache_creation_input_tokens,
    cache_read_input_tokens = cache_read_input_tokens + excluded.cache_read_input_tokens,
    cost_usd = cost_usd + excluded.cost_usd;
END;
