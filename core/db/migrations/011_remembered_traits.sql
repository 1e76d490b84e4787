-- Traits an identify call gave, per pipeline and person (its userId, or its anonymousId when it
-- had none, kept as SHA-256 of kind and id), added to the person's later events as
-- context.traits by the pipeline stage (SIGNAL_TRAITS_MEMORY_DAYS).
CREATE TABLE signal.remembered_traits (
  pipeline_id      uuid NOT NULL,
  identity_digest  bytea NOT NULL,
  traits           jsonb NOT NULL,
  -- The id of the newest stored event merged in: merges go in event order, not commit order.
  last_id          bigint NOT NULL DEFAULT 0,
  -- Erased (forgetPersonTraits) up to this event id: identify calls stored before it stay forgotten.
  forgotten_until  bigint NOT NULL DEFAULT 0,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (pipeline_id, identity_digest)
);
-- The prune's way to old rows. A B-tree: rows are updated in place, so their order on disk stops
-- following updated_at and a BRIN range would cover the whole table.
CREATE INDEX remembered_traits_updated_at ON signal.remembered_traits (updated_at);
