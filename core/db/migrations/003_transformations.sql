-- The org data layer (scope 'org') and each pipeline's transformations (scope = pipeline id),
-- as immutable revisions: a change is a new version.
CREATE TABLE signal.transformation_revisions (
  id          uuid PRIMARY KEY,
  scope       text NOT NULL,
  version     integer NOT NULL CHECK (version >= 1),
  source      text NOT NULL,
  note        text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (scope, version)
);
