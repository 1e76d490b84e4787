-- Replays of stored events to one pipeline integration (a backfill after an integration is
-- added, or a vendor that lost data): walked in slices by the `replay` queue, each slice in
-- one transaction with the delivery jobs it makes and this row's progress.
CREATE TABLE signal.event_replays (
  id                       uuid PRIMARY KEY,
  pipeline_integration_id  uuid NOT NULL REFERENCES signal.pipeline_integrations(id) ON DELETE CASCADE,
  since                    timestamptz NOT NULL,
  until                    timestamptz NOT NULL,
  -- running → done; or cancelled (by an admin), stopped (the integration was disabled), or
  -- failed (a slice kept failing); the last three may be resumed.
  status                   text NOT NULL DEFAULT 'running',
  -- The last event id walked: the next slice starts after it. Slices stay below to_id. Both
  -- bounds come from a binary search of the ids by received_at at the start, with a margin,
  -- so no slice scans the events outside the range (there is no index on received_at).
  cursor                   bigint NOT NULL,
  to_id                    bigint NOT NULL,
  scanned                  bigint NOT NULL DEFAULT 0,
  queued                   bigint NOT NULL DEFAULT 0,
  reason                   text,
  created_at               timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now(),
  finished_at              timestamptz
);
CREATE INDEX event_replays_integration ON signal.event_replays (pipeline_integration_id, created_at DESC);
