-- The events table becomes the ingest outbox. Collect commits events with one INSERT (one
-- round trip, no transaction around it, no job); the ingest dispatcher on worker nodes turns
-- committed events into ingest jobs.
--
-- Identity ids are handed out before commit, so a smaller id can commit after a larger one
-- and an id watermark would skip it. Each row therefore records the id of the transaction
-- that wrote it: every transaction below the snapshot's xmin has finished, so the rows below
-- it are final, and the dispatcher walks them in (xid, id) order behind a cursor it advances
-- in the same transaction as the jobs it creates (each event is dispatched exactly once).

-- Rows stored before this migration keep NULL: their ingest jobs were created with them.
ALTER TABLE signal.events ADD COLUMN xid xid8;
ALTER TABLE signal.events ALTER COLUMN xid SET DEFAULT pg_current_xact_id();
CREATE INDEX events_dispatch_order ON signal.events (xid, id);

-- One row: the last event dispatched.
CREATE TABLE signal.ingest_cursor (
  singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  last_xid    xid8 NOT NULL,
  last_id     bigint NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
-- This transaction writes no events, so everything after it is still to dispatch.
INSERT INTO signal.ingest_cursor (last_xid, last_id) VALUES (pg_current_xact_id(), 0);
