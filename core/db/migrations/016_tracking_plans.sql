-- Tracking plans: per pipeline, the events the site may send and the shape of their fields,
-- as immutable revisions (an empty source: no plan). The pipeline stage checks each event it
-- takes in against the latest one.
CREATE TABLE signal.tracking_plan_revisions (
  id           uuid PRIMARY KEY,
  pipeline_id  uuid NOT NULL REFERENCES signal.pipelines (id) ON DELETE CASCADE,
  version      integer NOT NULL CHECK (version >= 1),
  source       text NOT NULL,
  note         text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (pipeline_id, version)
);

-- What the checks found: one row per event that did not fit, its fields and what was expected
-- (never the values sent), kept as long as stored events are. No foreign key: a deleted
-- pipeline's rows go with the retention, as its events do.
CREATE TABLE signal.tracking_plan_violations (
  id            bigserial PRIMARY KEY,
  pipeline_id   uuid NOT NULL,
  plan_version  integer NOT NULL,
  message_id    text NOT NULL,
  event_type    text NOT NULL,
  event_name    text,
  kind          text NOT NULL CHECK (kind IN ('unplanned', 'invalid')),
  blocked       boolean NOT NULL,
  violations    jsonb NOT NULL,
  seen_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tracking_plan_violations_recent ON signal.tracking_plan_violations (pipeline_id, seen_at DESC);
CREATE INDEX tracking_plan_violations_age ON signal.tracking_plan_violations (seen_at);

-- Events of a pipeline its tracking plan blocked, counted per integration like the other skips.
ALTER TABLE signal.integration_stats ADD COLUMN skipped_tracking_plan bigint NOT NULL DEFAULT 0;
