-- How far a vendor's deletion requests got before a try ended in a retry: the next try goes on
-- from the first request not yet done (the requests a plugin builds for one person are the
-- same each time), so a vendor with a low rate limit is not asked again for what it accepted.
-- `requests_digest` identifies the list of requests that progress belongs to (their methods,
-- URLs, queries and bodies, without headers: tokens change); a list built differently (the
-- integration's config changed) starts again from the first.
ALTER TABLE signal.person_deletion_vendors
  ADD COLUMN requests_done integer NOT NULL DEFAULT 0,
  ADD COLUMN requests_digest text;
