-- Traits an identify call gave, per pipeline and person (its userId and its anonymousId, each
-- kept as SHA-256 of kind and id), added to the person's later events as context.traits by the
-- pipeline stage (SIGNAL_TRAITS_MEMORY_DAYS).
CREATE TABLE signal.remembered_traits (
  pipeline_id      uuid NOT NULL,
  identity_digest  bytea NOT NULL,
  traits           jsonb NOT NULL,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (pipeline_id, identity_digest)
);
-- The prune's way to old rows (as seen_messages).
CREATE INDEX remembered_traits_updated_at ON signal.remembered_traits USING brin (updated_at);
