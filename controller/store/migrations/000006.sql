-- 000006: agents that act (issue 12). Each attempt of a claude_chat or skill run is a loop of
-- model turns and tool calls; every step is kept, masked and capped, for `nexaas runs RUN`,
-- GET /api/runs/:id (`steps`) and the status page. Steps go with their run (the foreign key
-- cascades when retention deletes it); token_usage stays the billing record.
CREATE TABLE run_steps (
  id                           INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id                       INTEGER NOT NULL REFERENCES event_runs (id) ON DELETE CASCADE,
  attempt                      INTEGER NOT NULL,
  -- Order within the attempt, from 1; a sub-agent's steps are interleaved where they happened.
  seq                          INTEGER NOT NULL,
  kind                         TEXT NOT NULL CHECK (kind IN ('turn', 'tool_call')),
  -- The agent that took the step, and how deep it was delegated (0: the run's own agent).
  agent                        TEXT NOT NULL,
  depth                        INTEGER NOT NULL DEFAULT 0,
  -- turn: the model asked, why it stopped (end_turn, tool_use, max_tokens, refusal...) and what it used.
  model                        TEXT,
  stop_reason                  TEXT,
  input_tokens                 INTEGER,
  output_tokens                INTEGER,
  cache_creation_input_tokens  INTEGER,
  cache_read_input_tokens      INTEGER,
  cost_usd                     REAL,
  -- tool_call: the tool as the model saw it (mcp__<server>__<tool> or a built-in), its MCP server
  -- (NULL for built-ins), the input as JSON and the output as text, both masked and capped.
  tool                         TEXT,
  server                       TEXT,
  input                        TEXT,
  output                       TEXT,
  is_error                     INTEGER,
  duration_ms                  INTEGER NOT NULL,
  started_at                   TEXT NOT NULL
);
CREATE INDEX run_steps_run ON run_steps (run_id, attempt, seq);

-- Why an agent's loop ended (end_turn, max_turns, max_tool_calls, max_tokens, budget, timeout,
-- refusal); NULL for actions that are not model calls.
ALTER TABLE event_runs ADD COLUMN stop_reason TEXT;

-- A session keeps tool_use and tool_result blocks so the next run continues a valid conversation:
-- content_json holds the message's content blocks as JSON when they are not plain text (content
-- then holds their text, for a reader of the table).
ALTER TABLE chat_messages ADD COLUMN content_json TEXT;
