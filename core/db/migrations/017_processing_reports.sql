-- Delivered events a vendor's processing report says it failed (plugins with a
-- processingReport: the vendor accepts a request at once and processes it later).
ALTER TABLE signal.integration_stats ADD COLUMN processing_failed bigint NOT NULL DEFAULT 0;
