-- Message ids the pipeline stage has fanned out, per pipeline: an SDK that retries a request
-- whose answer it never saw (a timeout, a dropped connection) sends the same events again, and
-- the second copy is not delivered while its first sighting is within the window
-- (SIGNAL_DEDUP_WINDOW_HOURS). The id is kept as its SHA-256: message ids are the client's
-- and may be long, and a btree entry may not be.
CREATE TABLE signal.seen_messages (
  pipeline_id     uuid NOT NULL,
  message_digest  bytea NOT NULL,
  -- When the first copy was received (the event's receivedAt): the window counts from it.
  seen_at         timestamptz NOT NULL,
  -- When the pipeline stage recorded it. The prune waits for both to pass the window: behind
  -- a backlog, a first copy is recorded late, and its retries are fanned out later still.
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  -- The window it was recorded under (its pipeline's, else SIGNAL_DEDUP_WINDOW_HOURS).
  window_hours    integer NOT NULL,
  PRIMARY KEY (pipeline_id, message_digest)
);
-- The prune's way to old rows. BRIN costs next to nothing per insert and suits a column that
-- mostly grows with the table; space the prune frees is reused, so it narrows a scan rather
-- than pinpointing rows.
CREATE INDEX seen_messages_recorded_at ON signal.seen_messages USING brin (recorded_at);

-- Per pipeline integration: events not delivered because they repeated one already fanned out.
ALTER TABLE signal.integration_stats ADD COLUMN skipped_duplicate bigint NOT NULL DEFAULT 0;

-- A stored event the pipeline stage held back as a repeat (true), so a replay of stored events
-- sends what the pipeline passed on, not every copy an SDK sent. NULL: a first copy, or
-- deduplication was off.
ALTER TABLE signal.events ADD COLUMN duplicate boolean;

-- A pipeline's own window (hours, 0 = off); NULL: SIGNAL_DEDUP_WINDOW_HOURS. Mobile SDKs flush
-- an offline queue days later; a server-side import may reuse ids on purpose.
ALTER TABLE signal.pipelines ADD COLUMN dedup_window_hours integer CHECK (dedup_window_hours BETWEEN 0 AND 720);
