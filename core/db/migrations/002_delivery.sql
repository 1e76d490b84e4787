-- Delivery engine: dead letters, the bounded delivery log, per-integration counters and the
-- shared rate-limit state of every worker process.

-- Events that could not be delivered, kept 7 days with what is needed to inspect and replay them.
CREATE TABLE signal.dead_letters (
  id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  pipeline_integration_id uuid NOT NULL,
  pipeline_id             uuid NOT NULL,
  revision_id             uuid,
  message_id              text NOT NULL,
  event                   json NOT NULL,
  reason                  text NOT NULL,
  attempts                integer NOT NULL,
  last_request            json,
  last_response           json,
  created_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dead_letters_integration ON signal.dead_letters (pipeline_integration_id, id);
CREATE INDEX dead_letters_created ON signal.dead_letters (created_at);

-- Recent vendor exchanges for the live debugger (secrets redacted), pruned to a bound.
CREATE TABLE signal.delivery_log (
  id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  pipeline_integration_id uuid NOT NULL,
  revision_id             uuid,
  event_ids               text[] NOT NULL,
  attempt                 integer NOT NULL,
  request                 json NOT NULL,
  response_status         integer,
  response_body           text,
  error                   text,
  outcome                 text NOT NULL,
  duration_ms             integer NOT NULL,
  created_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX delivery_log_integration ON signal.delivery_log (pipeline_integration_id, id DESC);

-- Counters per pipeline integration (monotonic, except `retrying`, a gauge).
CREATE TABLE signal.integration_stats (
  pipeline_integration_id uuid PRIMARY KEY,
  delivered               bigint NOT NULL DEFAULT 0,
  dead_lettered           bigint NOT NULL DEFAULT 0,
  skipped_consent         bigint NOT NULL DEFAULT 0,
  dropped                 bigint NOT NULL DEFAULT 0,
  retried                 bigint NOT NULL DEFAULT 0,
  retrying                bigint NOT NULL DEFAULT 0,
  requests                bigint NOT NULL DEFAULT 0,
  failed_requests         bigint NOT NULL DEFAULT 0,
  last_error              text,
  last_error_at           timestamptz,
  last_delivered_at       timestamptz,
  updated_at              timestamptz NOT NULL DEFAULT now()
);

-- A token bucket per pipeline integration shared by every worker process, plus the daily cap
-- and the pause a vendor's 429 asks for.
CREATE TABLE signal.rate_limits (
  pipeline_integration_id uuid PRIMARY KEY,
  tokens                  double precision NOT NULL,
  refilled_at             timestamptz NOT NULL DEFAULT clock_timestamp(),
  day                     date NOT NULL DEFAULT (clock_timestamp() AT TIME ZONE 'UTC')::date,
  day_count               integer NOT NULL DEFAULT 0,
  paused_until            timestamptz,
  slowdown                double precision NOT NULL DEFAULT 1
);
