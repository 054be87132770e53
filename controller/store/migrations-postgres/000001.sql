-- 000001 (PostgreSQL): the schema SQLite reaches after its migrations 000001 to 000008, in one step.
-- Each backend numbers its own migrations: a change to the schema is a new file in both folders,
-- and test/store/postgres/schema-parity.test.ts fails until the two agree again.
--
-- The same tables and columns, in the same order (columns SQLite added with ALTER TABLE come last),
-- in the database's default schema, so that an operator's query runs on both. The comments of
-- controller/store/migrations/*.sql say why each table, column and index is there; this file says
-- only where PostgreSQL differs:
-- - Times stay ISO 8601 UTC text with milliseconds (2026-11-23T09:00:00.000Z), as in SQLite: the
--   code compares and sorts them as text, and operators' queries see the same values.
-- - SQLite's INTEGER is 64-bit: bigint here (pg returns int8 as a string unless told otherwise),
--   except 0/1 flags and the one-row tables' ids, which are integer. REAL is double precision.
-- - INTEGER PRIMARY KEY AUTOINCREMENT is an identity column BY DEFAULT, so that a copy of a store
--   can keep its ids (the copier then moves the sequence past them with setval).
-- - Columns SQLite generates from `spec` on read (VIRTUAL) are generated on write (STORED, the
--   only kind before PostgreSQL 18): reads see the same values, and the same writes are refused.

-- Generated columns read `spec` through nexaas_spec(), a cast to jsonb but for one thing: a NUL
-- escaped in a JSON string ("\u0000"). SQLite's json_extract takes it; PostgreSQL refuses it anywhere
-- in the document (json as well as jsonb, once a field is extracted), so an event whose prompt held
-- one would be stored by SQLite and refused here. The escape is read as U+FFFD's, which leaves the
-- JSON valid and its other strings as they were; `spec` itself is stored as written. IMMUTABLE, as
-- a generated column requires.
CREATE FUNCTION nexaas_spec(spec text) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT replace(spec, '\u0000', '\ufffd')::jsonb
$$;

-- SQLite's agents.model reads a spec that is not JSON as NULL (iif(json_valid(spec), ...)): a spec
-- mangled out of band is drift for the next apply to put back, not a refused write. PostgreSQL 15
-- has no IS JSON, so the failed cast is caught. The body names no function of this schema, so it
-- works whatever the writer's search_path.
CREATE FUNCTION nexaas_spec_or_null(spec text) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN replace(spec, '\u0000', '\ufffd')::jsonb;
EXCEPTION WHEN invalid_text_representation THEN
  RETURN NULL;
END;
$$;

CREATE TABLE workspace_settings (
  name        text PRIMARY KEY,
  layer       text NOT NULL CHECK (layer IN ('framework', 'workspace')),
  revision    text NOT NULL,
  digest      text NOT NULL,
  file        text NOT NULL,
  spec        text NOT NULL,
  updated_at  text NOT NULL
);

CREATE TABLE agents (
  name        text PRIMARY KEY,
  layer       text NOT NULL CHECK (layer IN ('framework', 'workspace')),
  revision    text NOT NULL,
  digest      text NOT NULL,
  file        text NOT NULL,
  spec        text NOT NULL,
  model       text GENERATED ALWAYS AS (nexaas_spec_or_null(spec) ->> 'model') STORED,
  updated_at  text NOT NULL
);

CREATE TABLE skills (
  name        text PRIMARY KEY,
  layer       text NOT NULL CHECK (layer IN ('framework', 'workspace')),
  revision    text NOT NULL,
  digest      text NOT NULL,
  file        text NOT NULL,
  spec        text NOT NULL,
  updated_at  text NOT NULL
);

CREATE TABLE flows (
  name        text PRIMARY KEY,
  layer       text NOT NULL CHECK (layer IN ('framework', 'workspace')),
  revision    text NOT NULL,
  digest      text NOT NULL,
  file        text NOT NULL,
  spec        text NOT NULL,
  updated_at  text NOT NULL
);

CREATE TABLE mcp_servers (
  name        text PRIMARY KEY,
  layer       text NOT NULL CHECK (layer IN ('framework', 'workspace')),
  revision    text NOT NULL,
  digest      text NOT NULL,
  file        text NOT NULL,
  spec        text NOT NULL,
  updated_at  text NOT NULL
);

CREATE TABLE registries (
  name        text PRIMARY KEY,
  layer       text NOT NULL CHECK (layer IN ('framework', 'workspace')),
  revision    text NOT NULL,
  digest      text NOT NULL,
  file        text NOT NULL,
  spec        text NOT NULL,
  updated_at  text NOT NULL
);

-- As in SQLite, a spec that is not JSON is refused here (nexaas_spec fails), and so is one whose
-- condition type, enabled or origin is not one the CHECKs allow.
CREATE TABLE events (
  name                  text PRIMARY KEY,
  layer                 text NOT NULL CHECK (layer IN ('framework', 'workspace')),
  revision              text NOT NULL,
  digest                text NOT NULL,
  file                  text NOT NULL,
  spec                  text NOT NULL,
  agent                 text GENERATED ALWAYS AS (coalesce(nexaas_spec(spec) ->> 'agent', nexaas_spec(spec) -> 'action' ->> 'agent')) STORED,
  condition_type        text NOT NULL GENERATED ALWAYS AS (nexaas_spec(spec) -> 'condition' ->> 'type') STORED
                        CHECK (condition_type IN ('cron', 'interval', 'once', 'webhook', 'after')),
  condition_digest      text NOT NULL,
  -- SQLite reads JSON true/false as 1/0 and an absent or null `enabled` as 1; anything else
  -- (a string, 2) fails its CHECK there, and becomes -1 to fail the same CHECK here.
  enabled               integer NOT NULL GENERATED ALWAYS AS (
                          CASE coalesce(nexaas_spec(spec) -> 'enabled', 'null')
                            WHEN 'null' THEN 1 WHEN 'true' THEN 1 WHEN '1' THEN 1
                            WHEN 'false' THEN 0 WHEN '0' THEN 0
                            ELSE -1
                          END) STORED
                        CHECK (enabled IN (0, 1)),
  origin                text NOT NULL GENERATED ALWAYS AS (coalesce(nexaas_spec(spec) ->> 'origin', 'events')) STORED
                        CHECK (origin IN ('events', 'followups', 'checks', 'flows')),
  next_fire_at          text,
  last_fired_at         text,
  last_run_at           text,
  last_run_status       text,
  consecutive_failures  bigint NOT NULL DEFAULT 0,
  paused                integer NOT NULL DEFAULT 0,
  paused_reason         text,
  paused_at             text,
  created_at            text NOT NULL,
  updated_at            text NOT NULL,
  expires_at            text GENERATED ALWAYS AS (nexaas_spec(spec) -> 'policy' ->> 'expires_at') STORED
);
CREATE INDEX events_next_fire ON events (next_fire_at) WHERE enabled = 1 AND paused = 0;
CREATE INDEX events_paused ON events (name) WHERE paused = 1;
CREATE INDEX events_condition ON events (condition_type);
CREATE INDEX events_state ON events (enabled, paused, expires_at, condition_type);

CREATE TABLE event_runs (
  id             bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  event_id       text NOT NULL,
  scheduled_for  text NOT NULL,
  trigger        text NOT NULL DEFAULT 'schedule' CHECK (trigger IN ('schedule', 'catchup', 'manual', 'webhook', 'flow')),
  status         text NOT NULL CHECK (status IN ('queued', 'running', 'success', 'failed', 'cancelled')),
  attempt        bigint NOT NULL DEFAULT 0,
  revision       text,
  payload        text,
  started_at     text,
  finished_at    text,
  duration_ms    bigint,
  output         text,
  error          text,
  created_at     text NOT NULL,
  stop_reason    text
);
CREATE INDEX event_runs_event ON event_runs (event_id, id DESC);
CREATE INDEX event_runs_active ON event_runs (event_id) WHERE status IN ('queued', 'running');
-- The firing key. As in SQLite, an upsert names it by repeating the WHERE:
--   INSERT ... ON CONFLICT (event_id, scheduled_for) WHERE trigger IN ('schedule', 'catchup') DO NOTHING
CREATE UNIQUE INDEX event_runs_slot ON event_runs (event_id, scheduled_for) WHERE trigger IN ('schedule', 'catchup');
CREATE INDEX event_runs_failed ON event_runs (id) WHERE status = 'failed';

CREATE TABLE job_queue (
  id                bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  run_id            bigint NOT NULL REFERENCES event_runs (id),
  event_id          text NOT NULL,
  status            text NOT NULL CHECK (status IN ('queued', 'running', 'success', 'failed', 'cancelled')),
  priority          bigint NOT NULL DEFAULT 5,
  run_at            text NOT NULL,
  attempts          bigint NOT NULL DEFAULT 0,
  max_attempts      bigint NOT NULL DEFAULT 3,
  concurrency_key   text,
  lease_owner       text,
  lease_expires_at  text,
  last_error        text,
  created_at        text NOT NULL,
  updated_at        text NOT NULL,
  process_group     bigint,
  process_host      text
);
-- SQLite's rowid, last in each of its indexes, is the id here: the claim's order is the same.
CREATE INDEX job_queue_lease ON job_queue (status, lease_expires_at) WHERE status = 'running';
CREATE INDEX job_queue_concurrency ON job_queue (concurrency_key, status) WHERE status = 'running' AND concurrency_key IS NOT NULL;
CREATE INDEX job_queue_free ON job_queue (priority, run_at) WHERE status = 'queued' AND concurrency_key IS NULL;
CREATE INDEX job_queue_keyed ON job_queue (concurrency_key, priority, run_at) WHERE status = 'queued' AND concurrency_key IS NOT NULL;
CREATE INDEX job_queue_run ON job_queue (run_id);

CREATE TABLE chat_sessions (
  id           bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  session_key  text NOT NULL UNIQUE,
  agent        text,
  event_id     text,
  created_at   text NOT NULL,
  updated_at   text NOT NULL
);

CREATE TABLE chat_messages (
  id            bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  session_id    bigint NOT NULL REFERENCES chat_sessions (id) ON DELETE CASCADE,
  run_id        bigint,
  role          text NOT NULL CHECK (role IN ('user', 'assistant')),
  content       text NOT NULL,
  created_at    text NOT NULL,
  content_json  text
);
CREATE INDEX chat_messages_session ON chat_messages (session_id, id);
CREATE INDEX chat_messages_run ON chat_messages (run_id) WHERE run_id IS NOT NULL;

CREATE TABLE token_usage (
  id                           bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  run_id                       bigint,
  event_id                     text,
  agent                        text,
  model                        text NOT NULL,
  input_tokens                 bigint NOT NULL DEFAULT 0,
  output_tokens                bigint NOT NULL DEFAULT 0,
  cache_creation_input_tokens  bigint NOT NULL DEFAULT 0,
  cache_read_input_tokens      bigint NOT NULL DEFAULT 0,
  cost_usd                     double precision,
  price_table_date             text,
  created_at                   text NOT NULL
);
CREATE INDEX token_usage_created ON token_usage (created_at);

CREATE TABLE users (
  id          bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  name        text NOT NULL,
  email       text UNIQUE,
  role        text NOT NULL DEFAULT 'viewer',
  created_at  text NOT NULL
);

CREATE TABLE companies (
  id          bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  name        text NOT NULL UNIQUE,
  created_at  text NOT NULL
);

CREATE TABLE sync_status (
  id                       integer PRIMARY KEY CHECK (id = 1),
  last_applied_revision    text,
  last_applied_key         text,
  last_applied_at          text,
  last_attempted_revision  text,
  last_attempted_at        text,
  last_result              text CHECK (last_result IN ('applied', 'unchanged', 'invalid', 'error')),
  errors                   text NOT NULL DEFAULT '[]',
  drift                    text NOT NULL DEFAULT '[]'
);
INSERT INTO sync_status (id) VALUES (1);

-- SQLite's one owner of a database and its fencing token. Kept with the same shape here, so that
-- the tables and operators' queries match; on PostgreSQL many controllers share the database
-- (SPEC §3), and issue 16's leader lease decides what, if anything, these rows then mean.
CREATE TABLE controller_lock (
  id            integer PRIMARY KEY CHECK (id = 1),
  owner         text NOT NULL,
  pid           bigint NOT NULL,
  host          text NOT NULL,
  acquired_at   text NOT NULL,
  heartbeat_at  text NOT NULL,
  token         bigint NOT NULL DEFAULT 0
);
CREATE TABLE controller_fence (
  id     integer PRIMARY KEY CHECK (id = 1),
  token  bigint NOT NULL
);
INSERT INTO controller_fence (id, token) VALUES (1, 0);

CREATE TABLE webhook_ids (
  event_id    text NOT NULL,
  webhook_id  text NOT NULL,
  seen_at     text NOT NULL,
  PRIMARY KEY (event_id, webhook_id)
);
CREATE INDEX webhook_ids_seen ON webhook_ids (seen_at);

-- Kept by the trigger below as each model call is recorded, as in SQLite. The function keeps the
-- search_path it was created with, so that it finds usage_totals whoever inserts the usage row.
CREATE TABLE usage_totals (
  model                        text PRIMARY KEY,
  calls                        bigint NOT NULL,
  input_tokens                 bigint NOT NULL,
  output_tokens                bigint NOT NULL,
  cache_creation_input_tokens  bigint NOT NULL,
  cache_read_input_tokens      bigint NOT NULL,
  cost_usd                     double precision NOT NULL
);
CREATE FUNCTION token_usage_totals() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  INSERT INTO usage_totals AS t (model, calls, input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens, cost_usd)
  VALUES (NEW.model, 1, NEW.input_tokens, NEW.output_tokens, NEW.cache_creation_input_tokens, NEW.cache_read_input_tokens, coalesce(NEW.cost_usd, 0))
  ON CONFLICT (model) DO UPDATE SET
    calls = t.calls + 1,
    input_tokens = t.input_tokens + excluded.input_tokens,
    output_tokens = t.output_tokens + excluded.output_tokens,
    cache_creation_input_tokens = t.cache_creation_input_tokens + excluded.cache_creation_input_tokens,
    cache_read_input_tokens = t.cache_read_input_tokens + excluded.cache_read_input_tokens,
    cost_usd = t.cost_usd + excluded.cost_usd;
  RETURN NULL;
END;
$$;
CREATE TRIGGER token_usage_totals AFTER INSERT ON token_usage FOR EACH ROW EXECUTE FUNCTION token_usage_totals();

CREATE TABLE run_steps (
  id                           bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  run_id                       bigint NOT NULL REFERENCES event_runs (id) ON DELETE CASCADE,
  attempt                      bigint NOT NULL,
  seq                          bigint NOT NULL,
  kind                         text NOT NULL CHECK (kind IN ('turn', 'tool_call')),
  agent                        text NOT NULL,
  depth                        bigint NOT NULL DEFAULT 0,
  model                        text,
  stop_reason                  text,
  input_tokens                 bigint,
  output_tokens                bigint,
  cache_creation_input_tokens  bigint,
  cache_read_input_tokens      bigint,
  cost_usd                     double precision,
  tool                         text,
  server                       text,
  input                        text,
  output                       text,
  is_error                     integer,
  duration_ms                  bigint NOT NULL,
  started_at                   text NOT NULL
);
CREATE INDEX run_steps_run ON run_steps (run_id, attempt, seq);

CREATE TABLE api_tokens (
  id            bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  name          text NOT NULL UNIQUE,
  token_hash    text NOT NULL UNIQUE,
  created_at    text NOT NULL,
  expires_at    text,
  revoked_at    text,
  last_used_at  text
);

CREATE TABLE api_sessions (
  id          text PRIMARY KEY,
  token_id    bigint REFERENCES api_tokens (id) ON DELETE CASCADE,
  issued_at   text NOT NULL
);
CREATE INDEX api_sessions_issued ON api_sessions (issued_at);

CREATE TABLE reconcile_history (
  id        bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  revision  text,
  result    text NOT NULL CHECK (result IN ('applied', 'unchanged', 'invalid', 'error')),
  at        text NOT NULL,
  errors    text NOT NULL DEFAULT '[]'
);
