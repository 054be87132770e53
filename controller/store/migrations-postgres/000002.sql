-- 000002 (PostgreSQL only): the queue's two indexes of queued jobs end in id. The claim takes jobs
-- in (priority, run_at, id) order; SQLite's indexes hold the rowid (its id) last without naming
-- it, but PostgreSQL's held only (priority, run_at), so every job tied on those (a due second's
-- runs: one priority, one run_at) was read and sorted on each claim to find the oldest. With id
-- in the index the claim reads the first few entries and stops.
-- (test/store/postgres/schema-parity.test.ts knows these two end in id on purpose.)
DROP INDEX job_queue_free;
CREATE INDEX job_queue_free ON job_queue (priority, run_at, id) WHERE status = 'queued' AND concurrency_key IS NULL;
DROP INDEX job_queue_keyed;
CREATE INDEX job_queue_keyed ON job_queue (concurrency_key, priority, run_at, id) WHERE status = 'queued' AND concurrency_key IS NOT NULL;
