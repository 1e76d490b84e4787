-- Events an integration did not receive because the event's `integrations` object (Segment's
-- destination selection) turned it off, counted apart from consent skips.
ALTER TABLE signal.integration_stats ADD COLUMN skipped_routing bigint NOT NULL DEFAULT 0;
