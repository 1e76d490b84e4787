-- Foundation: pipelines and their keys, integration templates with immutable revisions,
-- pipeline integrations (a template pinned at a revision), and the raw event store.
CREATE TABLE signal.pipelines (
  id          uuid PRIMARY KEY,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  enabled     boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Keys are stored as SHA-256 digests; the clear key is shown once. A pipeline may hold several
-- keys while a rotation's grace period runs.
CREATE TABLE signal.pipeline_keys (
  id          uuid PRIMARY KEY,
  pipeline_id uuid NOT NULL REFERENCES signal.pipelines(id) ON DELETE CASCADE,
  key_hash    bytea NOT NULL UNIQUE,
  key_prefix  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz
);
CREATE INDEX pipeline_keys_pipeline ON signal.pipeline_keys (pipeline_id);

CREATE TABLE signal.integration_templates (
  id          uuid PRIMARY KEY,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  vendor      text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Revisions are never updated: a change is a new row with the next version.
CREATE TABLE signal.integration_revisions (
  id                 uuid PRIMARY KEY,
  template_id        uuid NOT NULL REFERENCES signal.integration_templates(id) ON DELETE CASCADE,
  version            integer NOT NULL CHECK (version >= 1),
  variant            text NOT NULL,
  config             jsonb NOT NULL,
  consent_categories text[] NOT NULL DEFAULT '{}',
  blueprint          text,
  settings           jsonb NOT NULL DEFAULT '{}',
  delivery_mode      text NOT NULL DEFAULT 'server_side',
  note               text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (template_id, version)
);

CREATE TABLE signal.pipeline_integrations (
  id           uuid PRIMARY KEY,
  pipeline_id  uuid NOT NULL REFERENCES signal.pipelines(id) ON DELETE CASCADE,
  template_id  uuid NOT NULL REFERENCES signal.integration_templates(id) ON DELETE CASCADE,
  revision_id  uuid NOT NULL REFERENCES signal.integration_revisions(id),
  enabled      boolean NOT NULL DEFAULT true,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (pipeline_id, template_id)
);

-- Raw accepted events. Written by the group commit, read by the ingest stage and recentEvents.
-- `json`, not `jsonb`: it is written on the hot path and only ever read whole, and json keeps
-- the text as sent at a fraction of jsonb's parse cost. Ids grow with time, so retention
-- prunes by id range and needs no index on received_at.
CREATE TABLE signal.events (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  pipeline_id  uuid NOT NULL,
  message_id   text NOT NULL,
  type         text NOT NULL,
  received_at  timestamptz NOT NULL,
  payload      json NOT NULL
);
CREATE INDEX events_pipeline_recent ON signal.events (pipeline_id, id DESC);
