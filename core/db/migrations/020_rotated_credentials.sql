-- Refresh tokens a vendor replaced on use (RFC 6749 §6; plugins whose accessToken `rotates`):
-- the newest one of each chain, sealed like config secrets. A chain is an integration's config
-- field as first configured (its digest): every revision configured with that same token uses
-- the chain's newest, and a revision given a new token starts a chain of its own.
CREATE TABLE signal.rotated_credentials (
  template_id   uuid NOT NULL REFERENCES signal.integration_templates(id) ON DELETE CASCADE,
  field         text NOT NULL,
  origin_digest bytea NOT NULL,
  credential    jsonb NOT NULL,
  rotated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (template_id, field, origin_digest)
);
-- When the vendor last replaced the credential a revision's token was obtained with.
ALTER TABLE signal.access_tokens ADD COLUMN credential_rotated_at timestamptz;
