-- Named admin tokens beside SIGNAL_ADMIN_TOKEN, each with a role (admin: everything; read_only:
-- queries and GET routes only), kept as SHA-256 digests: the token is shown once, at creation.
CREATE TABLE signal.admin_tokens (
  id           uuid PRIMARY KEY,
  name         text NOT NULL,
  role         text NOT NULL CHECK (role IN ('admin', 'read_only')),
  token_digest bytea NOT NULL UNIQUE,
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);
-- A name says whose a token is in the audit log: one active token a name.
CREATE UNIQUE INDEX admin_tokens_active_name ON signal.admin_tokens (name) WHERE revoked_at IS NULL;

-- Every admin change (GraphQL mutations, REST calls other than GET): who, when, from where,
-- what with (arguments without secrets, config values or personal data) and how it ended.
CREATE TABLE signal.admin_audit_log (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text NOT NULL,
  token_id    uuid,
  role        text NOT NULL,
  via         text NOT NULL CHECK (via IN ('graphql', 'rest')),
  operation   text NOT NULL,
  arguments   jsonb NOT NULL,
  result_ids  jsonb NOT NULL DEFAULT '[]',
  outcome     text NOT NULL CHECK (outcome IN ('ok', 'error', 'refused')),
  error       text,
  client_ip   text,
  user_agent  text
);
CREATE INDEX admin_audit_log_at ON signal.admin_audit_log (at);
