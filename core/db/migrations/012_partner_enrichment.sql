-- Partner enrichment (a plugin's `enrich`, e.g. Amperity's Profile API): the answers of profile
-- lookups, cached so a visitor's later events need no call, and the attributes a browser may
-- read through GET /v1/enrich. Both expire; the maintenance prune deletes expired rows. No
-- foreign keys: a fan-out finishing for an integration or pipeline deleted meanwhile still
-- writes, and that late write must not fail the fan-out (the row it leaves expires).

-- One row per lookup: SHA-256 of the integration revision, the kind of lookup and what was
-- looked up (an identity, or a profile and the context of a personalized call). A revision
-- is immutable, so a new one (another collection, another key) starts with an empty cache.
CREATE TABLE signal.partner_lookups (
  cache_key   bytea PRIMARY KEY,
  found       boolean NOT NULL,
  profile_id  text,
  attributes  jsonb,
  expires_at  timestamptz NOT NULL
);
CREATE INDEX partner_lookups_expires_at ON signal.partner_lookups (expires_at);

-- What the browser may read of a visitor (the plugin's allow-list applied), per pipeline,
-- partner and visitor (SHA-256 of the _dfdid visitor id, as remembered traits keep theirs).
CREATE TABLE signal.partner_browser_attributes (
  pipeline_id     uuid NOT NULL,
  provider        text NOT NULL,
  visitor_digest  bytea NOT NULL,
  attributes      jsonb NOT NULL,
  -- The id of the event that decided them: an older event's fan-out running late does not
  -- overwrite a newer one's (a consent refusal, a privacy request, which leave an empty row).
  last_id         bigint NOT NULL DEFAULT 0,
  expires_at      timestamptz NOT NULL,
  PRIMARY KEY (pipeline_id, provider, visitor_digest)
);
CREATE INDEX partner_browser_attributes_expires_at ON signal.partner_browser_attributes (expires_at);

-- Per enriching integration: events given attributes, events whose visitor no identity found,
-- events whose lookup failed (or met the partner paused), and the last failure.
ALTER TABLE signal.integration_stats
  ADD COLUMN enriched bigint NOT NULL DEFAULT 0,
  ADD COLUMN enrichment_not_found bigint NOT NULL DEFAULT 0,
  ADD COLUMN enrichment_failed bigint NOT NULL DEFAULT 0,
  ADD COLUMN last_enrichment_error text,
  ADD COLUMN last_enrichment_error_at timestamptz;
