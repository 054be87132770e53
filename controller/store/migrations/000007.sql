-- 000007: the status page (issue 14): named read tokens, the sessions signed in with them, and
-- the reconcile history it shows.

-- `nexaas tokens create NAME`: a read token for the API and the status page. Only the SHA-256 of
-- the token is kept (base64url), never the token: it is printed once. A revoked token stays, so
-- `tokens list` shows when it was revoked, and its name stays taken.
CREATE TABLE api_tokens (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  name          TEXT NOT NULL UNIQUE,
  token_hash    TEXT NOT NULL UNIQUE,
  created_at    TEXT NOT NULL,
  expires_at    TEXT,
  revoked_at    TEXT,
  last_used_at  TEXT
);

-- A status-page sign-in (POST /api/session). The cookie names the row and is signed with
-- SESSION_SECRET; logout deletes the row, so a copied cookie ends with it. token_id is NULL for a
-- sign-in with API_KEY. A session goes with its token.
CREATE TABLE api_sessions (
  id          TEXT PRIMARY KEY,
  token_id    INTEGER REFERENCES api_tokens (id) ON DELETE CASCADE,
  issued_at   TEXT NOT NULL
);
CREATE INDEX api_sessions_issued ON api_sessions (issued_at);

-- Each reconcile attempt, newest last: what sync_status holds for the last one only. The same
-- outcome again (a remote that stays unreachable) is one row, not one a poll.
CREATE TABLE reconcile_history (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  -- NULL when the reconcile failed before a revision was resolved.
  revision  TEXT,
  result    TEXT NOT NULL CHECK (result IN ('applied', 'unchanged', 'invalid', 'error')),
  at        TEXT NOT NULL,
  -- Diagnostics as JSON, as in sync_status.errors.
  errors    TEXT NOT NULL DEFAULT '[]'
);

-- What is known of the past from a database that had no history: the live revision, then the
-- last attempt when it was not that one.
INSERT INTO reconcile_history (revision, result, at, errors)
  SELECT last_applied_revision, 'applied', last_applied_at, '[]' FROM sync_status
  WHERE id = 1 AND last_applied_revision IS NOT NULL AND last_applied_at IS NOT NULL;
INSERT INTO reconcile_history (revision, result, at, errors)
  SELECT last_attempted_revision, last_result, last_attempted_at, errors FROM sync_status
  WHERE id = 1 AND last_result IS NOT NULL AND last_result <> 'applied' AND last_attempted_at IS NOT NULL;
