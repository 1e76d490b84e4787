-- Access tokens obtained through plugins' `accessToken` exchanges (OAuth 2.0), shared by every
-- node so that one exchange serves them all (access-tokens.ts). One per revision: a revision's
-- config, whose credential the token was issued for, never changes. Sealed like config secrets
-- (AES-256-GCM under SIGNAL_SECRET_KEY, bound to the template, field and revision).
CREATE TABLE signal.access_tokens (
  revision_id  uuid PRIMARY KEY REFERENCES signal.integration_revisions(id) ON DELETE CASCADE,
  token        jsonb NOT NULL,
  expires_at   timestamptz NOT NULL,
  obtained_at  timestamptz NOT NULL DEFAULT now(),
  -- When the credential the token was issued for ends, when the vendor says (LinkedIn's
  -- refresh_token_expires_in): admins are warned a month ahead.
  credential_expires_at timestamptz
);
