-- 000003: webhook ids seen by POST /hooks/:event (SPEC §5), so a replayed delivery is refused
-- even after a restart. A signed request is accepted only within 5 minutes of its timestamp, so an
-- id needs keeping 10 minutes after it was seen (a timestamp up to 5 minutes ahead, then 5 more);
-- older rows are pruned when a webhook arrives.
CREATE TABLE webhook_ids (
  event_id    TEXT NOT NULL,
  webhook_id  TEXT NOT NULL,
  seen_at     TEXT NOT NULL,
  PRIMARY KEY (event_id, webhook_id)
) WITHOUT ROWID;
CREATE INDEX webhook_ids_seen ON webhook_ids (seen_at);
