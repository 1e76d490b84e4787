-- Privacy requests (deletePerson): a person's stored data erased, walked by the
-- `person-deletion` queue in slices, and the events still on their way held back.

-- One row per request. No foreign key to the pipeline: a pipeline deleted while a request runs
-- leaves its stored events until their retention, and the request must still erase them.
CREATE TABLE signal.person_deletions (
  id                uuid PRIMARY KEY,
  pipeline_id       uuid NOT NULL,
  -- The ids as given: kept only while the request runs (matching events needs them), set to
  -- NULL when it is done. `by_user_id` and `by_anonymous_id` say afterwards which were named.
  user_id           text,
  anonymous_id      text,
  by_user_id        boolean NOT NULL,
  by_anonymous_id   boolean NOT NULL,
  suppress          boolean NOT NULL,
  -- running → done, or failed (a step kept failing; requestable again).
  status            text NOT NULL DEFAULT 'running',
  -- events → queued → dead_letters → delivery_log → vendors → done: the dead letters and the
  -- delivery log are erased once no delivery that could carry the person's events is still
  -- running (`settled_at`), since such a delivery writes them; vendors are asked last.
  step              text NOT NULL DEFAULT 'events',
  settled_at        timestamptz,
  -- When waiting delivery jobs were last scrubbed: every job at the first look and once
  -- settled, the jobs made since in between.
  scrubbed_at       timestamptz,
  -- Stored events are walked by id, after `cursor` up to `to_id` (the last id when the request
  -- was made; later ones are held back by the suppression entry until they are fanned out);
  -- the dead letters after `cursor` again.
  cursor            bigint NOT NULL DEFAULT 0,
  to_id             bigint NOT NULL,
  -- Walked again up to the last id once events received before the request can no longer be
  -- on their way to the table (a group commit in flight).
  latecomers_walked boolean NOT NULL DEFAULT false,
  -- The oldest receive time of the events deleted: delivery jobs and dead letters made before
  -- it cannot carry their copies.
  first_received_at timestamptz,
  events            bigint NOT NULL DEFAULT 0,
  dead_letters      bigint NOT NULL DEFAULT 0,
  delivery_log      bigint NOT NULL DEFAULT 0,
  queued_events     bigint NOT NULL DEFAULT 0,
  traits            integer NOT NULL DEFAULT 0,
  reason            text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  finished_at       timestamptz
);
CREATE INDEX person_deletions_pipeline ON signal.person_deletions (pipeline_id, created_at DESC);

-- The messageIds of the events a request deleted, while it runs: its later steps find by
-- them what a transformation or a vendor's hashing made unrecognisable by the person's ids.
-- With each, the event's visitor id (the _dfdid cookie), under which traits were remembered.
CREATE TABLE signal.person_deletion_messages (
  deletion_id  uuid NOT NULL REFERENCES signal.person_deletions(id) ON DELETE CASCADE,
  message_id   text NOT NULL,
  visitor_id   text
);
CREATE INDEX person_deletion_messages_deletion ON signal.person_deletion_messages (deletion_id);

-- What the vendors were asked (plugins that forward deletions), one row per pipeline
-- integration: pending → sent, skipped (no request can be made for the ids named) or failed
-- (refused, or its tries used up). `message`: the answer or the failure, without the ids.
CREATE TABLE signal.person_deletion_vendors (
  deletion_id              uuid NOT NULL REFERENCES signal.person_deletions(id) ON DELETE CASCADE,
  pipeline_integration_id  uuid NOT NULL,
  vendor                   text NOT NULL,
  name                     text NOT NULL,
  status                   text NOT NULL DEFAULT 'pending',
  attempts                 integer NOT NULL DEFAULT 0,
  response_status          integer,
  message                  text,
  next_attempt_at          timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (deletion_id, pipeline_integration_id)
);

-- Whose events the pipeline stage and the delivery worker hold back, by SHA-256 digest of the
-- id (as remembered_traits): those received before `held_until` (what was on its way when a
-- deletion was requested), and with `suppressed` all of them. Every worker reads the whole
-- list into memory when it changes: each write takes a new `version`, so the count of rows and
-- the sum of their versions change with any insert, update or delete, whatever the commit order.
CREATE SEQUENCE signal.person_suppressions_version;
CREATE TABLE signal.person_suppressions (
  pipeline_id      uuid NOT NULL REFERENCES signal.pipelines(id) ON DELETE CASCADE,
  identity_digest  bytea NOT NULL,
  held_until       timestamptz NOT NULL,
  suppressed       boolean NOT NULL,
  version          bigint NOT NULL DEFAULT nextval('signal.person_suppressions_version'),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (pipeline_id, identity_digest)
);

ALTER TABLE signal.integration_stats ADD COLUMN skipped_suppressed bigint NOT NULL DEFAULT 0;
