-- 000004: fencing. Every acquisition of the controller lock gets a new token;
-- queue writes check it in their own transaction, so a controller that lost
-- the lock (paused past its lease, then resumed) cannot change a job.
-- A job's script process group is recorded, so that a job recovered on the
-- same host is not retried while its orphaned script still runs.
ALTER TABLE controller_lock ADD COLUMN token INTEGER NOT NULL DEFAULT 0;
CREATE TABLE controller_fence (
  id     INTEGER PRIMARY KEY CHECK (id = 1),
  token  INTEGER NOT NULL
);
INSERT INTO controller_fence (id, token) VALUES (1, 0);
ALTER TABLE job_queue ADD COLUMN process_group INTEGER;
ALTER TABLE job_queue ADD COLUMN process_host TEXT;
