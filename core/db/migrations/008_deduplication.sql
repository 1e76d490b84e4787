-- Message ids the pipeline stage has fanned out, per pipeline: an SDK that retries a request
-- whose answer it never saw (a timeout, a dropped connection) sends the same events again, and
-- the second copy is not delivered while its first sighting is within the window
-- (SIGNAL_DEDUP_WINDOW_HOURS). The id is kept as its SHA-256: message ids are the client's
-- and may be long, and a btree entry may not be.
CREATE TABLE signal.seen_messages (
  pipeline_id     uuid NOT NULL,
  message_digest  bytea NOT NULL,
  -- When the first copy was received (the event's receivedAt).
  seen_at         timestamptz NOT NULL,
  PRIMARY KEY (pipeline_id, message_digest)
);
-- Rows arrive in about the order received, which is what a BRIN index needs; the prune finds
-- old rows by it, and it costs next to nothing per insert.
CREATE INDEX seen_messages_seen_at ON signal.seen_messages USING brin (seen_at);

-- Per pipeline integration: events not delivered because they repeated one already fanned out.
ALTER TABLE signal.integration_stats ADD COLUMN skipped_duplicate bigint NOT NULL DEFAULT 0;
