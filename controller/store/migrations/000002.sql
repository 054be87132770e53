-- 000002: one controller owns a database at a time (SPEC §3). The owner refreshes
-- heartbeat_at; a lock whose heartbeat is stale (the owner died) can be taken over.
CREATE TABLE controller_lock (
  id            INTEGER PRIMARY KEY CHECK (id = 1),
  owner         TEXT NOT NULL,
  pid           INTEGER NOT NULL,
  host          TEXT NOT NULL,
  acquired_at   TEXT NOT NULL,
  heartbeat_at  TEXT NOT NULL
);
