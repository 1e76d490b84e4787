-- A vendor may limit its endpoints apart (Iterable: 5 requests/s to users/bulkUpdate, 10 to
-- events/trackBulk): an integration then has one bucket per such endpoint beside its own, which
-- the empty name keeps. Existing buckets are the integrations' own.
ALTER TABLE signal.rate_limits ADD COLUMN endpoint text NOT NULL DEFAULT '';
ALTER TABLE signal.rate_limits DROP CONSTRAINT rate_limits_pkey;
ALTER TABLE signal.rate_limits ADD PRIMARY KEY (template_id, endpoint);
