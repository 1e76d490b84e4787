-- Rate limits guard a vendor account's quota, so they belong to the integration (the
-- template, one account's config), shared by every pipeline it is assigned to: keyed by the
-- pipeline integration, two pipelines on one template sent twice the daily cap. The old
-- buckets were keyed by assignment ids and cannot be merged, so they start afresh (full, and
-- with today's count at zero).
DELETE FROM signal.rate_limits;
ALTER TABLE signal.rate_limits RENAME COLUMN pipeline_integration_id TO template_id;
