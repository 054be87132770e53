-- 000001: definitions, runtime tables and sync status.
-- Times are ISO 8601 UTC text with milliseconds (2026-11-23T09:00:00.000Z).
-- Definition tables share one shape: the applier (controller/reconcile) is their only writer.
-- `spec` is the canonical JSON of the definition; `digest` is sha256 of canonical {layer, spec},
-- so a row edited out of band is noticed (drift) and put back.
-- Columns queries need from a spec are generated from it, never written: the digest covers only
-- spec and layer, so a written copy could be edited out of band without anyone noticing. VIRTUAL
-- (computed on read) suffices: SQLite indexes virtual columns too, and CHECK and NOT NULL on them
-- are enforced on every write of `spec`.

CREATE TABLE workspace_settings (
  name        TEXT PRIMARY KEY,
  layer       TEXT NOT NULL CHECK (layer IN ('framework', 'workspace')),
  revision    TEXT NOT NULL,
  digest      TEXT NOT NULL,
  file        TEXT NOT NULL,
  spec        TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);

CREATE TABLE agents (
  name        TEXT PRIMARY KEY,
  layer       TEXT NOT NULL CHECK (layer IN ('framework', 'workspace')),
  revision    TEXT NOT NULL,
  digest      TEXT NOT NULL,
  file        TEXT NOT NULL,
  spec        TEXT NOT NULL,
  -- json_valid first: a spec mangled out of band is drift for the next apply to put back,
  -- and must not make every query that reads `model` fail with "malformed JSON" meanwhile.
  model       TEXT GENERATED ALWAYS AS (iif(json_valid(spec), json_extract(spec, '$.model'), NULL)) VIRTUAL,
  updated_at  TEXT NOT NULL
);

CREATE TABLE skills (
  name        TEXT PRIMARY KEY,
  layer       TEXT NOT NULL CHECK (layer IN ('framework', 'workspace')),
  revision    TEXT NOT NULL,
  digest      TEXT NOT NULL,
  file        TEXT NOT NULL,
  spec        TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);

CREATE TABLE flows (
  name        TEXT PRIMARY KEY,
  layer       TEXT NOT NULL CHECK (layer IN ('framework', 'workspace')),
  revision    TEXT NOT NULL,
  digest      TEXT NOT NULL,
  file        TEXT NOT NULL,
  spec        TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);

CREATE TABLE mcp_servers (
  name        TEXT PRIMARY KEY,
  layer       TEXT NOT NULL CHECK (layer IN ('framework', 'workspace')),
  revision    TEXT NOT NULL,
  digest      TEXT NOT NULL,
  file        TEXT NOT NULL,
  spec        TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);

CREATE TABLE registries (
  name        TEXT PRIMARY KEY,
  layer       TEXT NOT NULL CHECK (layer IN ('framework', 'workspace')),
  revision    TEXT NOT NULL,
  digest      TEXT NOT NULL,
  file        TEXT NOT NULL,
  spec        TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);

-- Events: the definition columns, a few columns generated from `spec` for filtering, and
-- runtime state that survives reconciles (next fire time, failures, pause). The constraints
-- on the generated columns refuse an out-of-band `spec` that is not JSON or not an event.
CREATE TABLE events (
  name                  TEXT PRIMARY KEY,
  layer                 TEXT NOT NULL CHECK (layer IN ('framework', 'workspace')),
  revision              TEXT NOT NULL,
  digest                TEXT NOT NULL,
  file                  TEXT NOT NULL,
  spec                  TEXT NOT NULL,
  -- The event's own agent, else its action's.
  agent                 TEXT GENERATED ALWAYS AS (coalesce(json_extract(spec, '$.agent'), json_extract(spec, '$.action.agent'))) VIRTUAL,
  condition_type        TEXT NOT NULL GENERATED ALWAYS AS (json_extract(spec, '$.condition.type')) VIRTUAL
                        CHECK (condition_type IN ('cron', 'interval', 'once', 'webhook', 'after')),
  -- sha256 of the canonical condition, written by the applier: it decides whether a change
  -- resets the next fire time, so it must stay what the applier last scheduled from.
  condition_digest      TEXT NOT NULL,
  -- JSON true/false read as 1/0; absent means enabled.
  enabled               INTEGER NOT NULL GENERATED ALWAYS AS (coalesce(json_extract(spec, '$.enabled'), 1)) VIRTUAL
                        CHECK (enabled IN (0, 1)),
  origin                TEXT NOT NULL GENERATED ALWAYS AS (coalesce(json_extract(spec, '$.origin'), 'events')) VIRTUAL
                        CHECK (origin IN ('events', 'followups', 'checks', 'flows')),
  next_fire_at          TEXT,
  last_fired_at         TEXT,
  last_run_at           TEXT,
  last_run_status       TEXT,
  consecutive_failures  INTEGER NOT NULL DEFAULT 0,
  paused                INTEGER NOT NULL DEFAULT 0,
  paused_reason         TEXT,
  paused_at             TEXT,
  created_at            TEXT NOT NULL,
  updated_at            TEXT NOT NULL
);
CREATE INDEX events_next_fire ON events (next_fire_at) WHERE enabled = 1 AND paused = 0;

-- One row per run of an event; kept when the event is deleted (history).
CREATE TABLE event_runs (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id       TEXT NOT NULL,
  scheduled_for  TEXT NOT NULL,
  trigger        TEXT NOT NULL DEFAULT 'schedule' CHECK (trigger IN ('schedule', 'catchup', 'manual', 'webhook', 'flow')),
  status         TEXT NOT NULL CHECK (status IN ('queued', 'running', 'success', 'failed', 'cancelled')),
  attempt        INTEGER NOT NULL DEFAULT 0,
  revision       TEXT,
  payload        TEXT,
  started_at     TEXT,
  finished_at    TEXT,
  duration_ms    INTEGER,
  output         TEXT,
  error          TEXT,
  created_at     TEXT NOT NULL
);
CREATE INDEX event_runs_event ON event_runs (event_id, id DESC);
-- overlap: skip asks on every firing whether the event has a run waiting or running.
CREATE INDEX event_runs_active ON event_runs (event_id) WHERE status IN ('queued', 'running');
-- The firing key: one schedule slot of an event runs once, whoever fires it (a restart, a clock
-- stepped back, a second controller, catch-up). Only schedule and catch-up runs are slots: manual,
-- webhook and flow runs in the same millisecond are distinct runs, so the index is partial.
-- An upsert must repeat its WHERE to name it:
--   INSERT ... ON CONFLICT (event_id, scheduled_for) WHERE trigger IN ('schedule', 'catchup') DO NOTHING
CREATE UNIQUE INDEX event_runs_slot ON event_runs (event_id, scheduled_for) WHERE trigger IN ('schedule', 'catchup');

CREATE TABLE job_queue (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id            INTEGER NOT NULL REFERENCES event_runs (id),
  event_id          TEXT NOT NULL,
  status            TEXT NOT NULL CHECK (status IN ('queued', 'running', 'success', 'failed', 'cancelled')),
  priority          INTEGER NOT NULL DEFAULT 5,
  run_at            TEXT NOT NULL,
  attempts          INTEGER NOT NULL DEFAULT 0,
  max_attempts      INTEGER NOT NULL DEFAULT 3,
  concurrency_key   TEXT,
  lease_owner       TEXT,
  lease_expires_at  TEXT,
  last_error        TEXT,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL
);
-- The queue's indexes are partial, over the few jobs that are queued or running: finished jobs
-- (nearly every row, over time) are in none of them, and an enqueue, a claim or a completion
-- rewrites one or two index pages instead of three to six. Each dirty page is written to the WAL and
-- checkpointed: bench/queue.bench.mjs ran about half again as many jobs/s with these.
-- Queries must repeat the index's WHERE term as is (status = 'queued') for SQLite to use it.
-- The claim's pick: queued jobs in priority, run_at order (rowid last, as in every index).
CREATE INDEX job_queue_ready ON job_queue (status, priority, run_at) WHERE status = 'queued';
-- No index by event: cancelling an event's queued jobs (when it is removed) walks job_queue_ready,
-- which holds only the queued jobs; one more index would cost every enqueue and claim a page.
-- The scan for running jobs whose worker died (status = 'running' AND lease_expires_at < now).
CREATE INDEX job_queue_lease ON job_queue (status, lease_expires_at) WHERE status = 'running';
-- Workers count running jobs per concurrency key before claiming; most jobs have none, so those are left out.
CREATE INDEX job_queue_concurrency ON job_queue (concurrency_key, status) WHERE concurrency_key IS NOT NULL;

CREATE TABLE chat_sessions (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  session_key  TEXT NOT NULL UNIQUE,
  agent        TEXT,
  event_id     TEXT,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
);

CREATE TABLE chat_messages (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id  INTEGER NOT NULL REFERENCES chat_sessions (id) ON DELETE CASCADE,
  run_id      INTEGER,
  role        TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
  content     TEXT NOT NULL,
  created_at  TEXT NOT NULL
);
CREATE INDEX chat_messages_session ON chat_messages (session_id, id);

-- Every model call: tokens and cost (NULL when the model has no price; never 0 by guess).
CREATE TABLE token_usage (
  id                           INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id                       INTEGER,
  event_id                     TEXT,
  agent                        TEXT,
  model                        TEXT NOT NULL,
  input_tokens                 INTEGER NOT NULL DEFAULT 0,
  output_tokens                INTEGER NOT NULL DEFAULT 0,
  cache_creation_input_tokens  INTEGER NOT NULL DEFAULT 0,
  cache_read_input_tokens      INTEGER NOT NULL DEFAULT 0,
  cost_usd                     REAL,
  price_table_date             TEXT,
  created_at                   TEXT NOT NULL
);
CREATE INDEX token_usage_created ON token_usage (created_at);

CREATE TABLE users (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  name        TEXT NOT NULL,
  email       TEXT UNIQUE,
  role        TEXT NOT NULL DEFAULT 'viewer',
  created_at  TEXT NOT NULL
);

CREATE TABLE companies (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  name        TEXT NOT NULL UNIQUE,
  created_at  TEXT NOT NULL
);

-- One row: what is live, and what was last tried (with every diagnostic when it failed).
CREATE TABLE sync_status (
  id                       INTEGER PRIMARY KEY CHECK (id = 1),
  last_applied_revision    TEXT,
  last_applied_key         TEXT,
  last_applied_at          TEXT,
  last_attempted_revision  TEXT,
  last_attempted_at        TEXT,
  last_result              TEXT CHECK (last_result IN ('applied', 'unchanged', 'invalid', 'error')),
  errors                   TEXT NOT NULL DEFAULT '[]',
  drift                    TEXT NOT NULL DEFAULT '[]'
);
INSERT INTO sync_status (id) VALUES (1);
